from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    coka_haravan_shop = fields.Char(related="company_id.coka_haravan_shop", readonly=False)
    coka_haravan_token = fields.Char(related="company_id.coka_haravan_token", readonly=False)
