from odoo import fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"

    coka_haravan_customer_ref = fields.Char(
        string="Haravan Customer ID", readonly=True, copy=False, index=True
    )
    coka_haravan_sync_date = fields.Datetime(string="Synced to Haravan", readonly=True, copy=False)
    coka_haravan_sync_state = fields.Selection(
        [("never", "Not synced"), ("done", "Synced"), ("failed", "Failed")],
        string="Haravan Sync",
        default="never",
        readonly=True,
        copy=False,
    )
    coka_haravan_sync_error = fields.Char(string="Haravan Sync Error", readonly=True, copy=False)
