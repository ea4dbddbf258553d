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
    coka_review_user_id = fields.Many2one(related="company_id.coka_review_user_id", readonly=False)
    coka_recording_retention_days = fields.Integer(
        string="Keep Recordings (days)",
        config_parameter="coka_pbx.recording_retention_days",
        default=0,
        help="Recordings older than this many days are deleted by a nightly job; the calls "
        "stay. 0 keeps them forever.",
    )
