from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    coka_auto_register_callers = fields.Boolean(
        related="company_id.coka_auto_register_callers", readonly=False
    )
