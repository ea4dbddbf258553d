from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    coka_auto_register_callers = fields.Boolean(
        related="company_id.coka_auto_register_callers", readonly=False
    )
    coka_event_window_days = fields.Integer(
        string="Webhook Idempotency Window (days)",
        config_parameter="coka_pbx.event_window_days",
        default=30,
        help="A webhook event delivered again within this many days is recognised and "
        "ignored; older deliveries are forgotten.",
    )
