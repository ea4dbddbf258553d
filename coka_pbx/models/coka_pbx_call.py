from odoo import api, fields, models

CALL_STATUSES = [
    ("ringing", "Ringing"),
    ("in_progress", "In progress"),
    ("answered", "Answered"),
    ("missed", "Missed"),
    ("no_answer", "No answer"),
    ("busy", "Busy"),
    ("failed", "Failed"),
    ("cancelled", "Cancelled"),
]


class CokaPbxCall(models.Model):
    """A call detail record (CDR) reported by the PBX (SPEC PBX-3)."""

    _name = "coka.pbx.call"
    _description = "Call"
    _inherit = ["mail.thread"]
    _order = "start_date desc, id desc"
    _rec_name = "customer_number"

    provider_id = fields.Many2one("coka.pbx.provider", ondelete="restrict", index=True)
    provider_call_id = fields.Char(string="Provider Call ID", readonly=True, copy=False)
    hotline_id = fields.Many2one("coka.pbx.hotline", index=True, ondelete="restrict")
    direction = fields.Selection(
        [("inbound", "Inbound"), ("outbound", "Outbound"), ("internal", "Internal")],
        required=True,
        default="outbound",
    )
    from_number = fields.Char()
    to_number = fields.Char()
    customer_number = fields.Char(
        help="E.164 number of the customer: the caller for inbound, the callee for outbound."
    )
    partner_id = fields.Many2one("res.partner", string="Customer", index=True)
    customer_type = fields.Selection(related="partner_id.coka_customer_type", store=True)
    extension_id = fields.Many2one("coka.pbx.extension", index=True, ondelete="restrict")
    user_id = fields.Many2one("res.users", string="Agent", index=True)
    status = fields.Selection(CALL_STATUSES, required=True, default="ringing", tracking=True)
    start_date = fields.Datetime(string="Start", default=fields.Datetime.now, index=True)
    answer_date = fields.Datetime(string="Answered At")
    end_date = fields.Datetime(string="End")
    ring_seconds = fields.Integer()
    talk_seconds = fields.Integer()
    cost = fields.Float(digits=(16, 2))
    recording_url = fields.Char(string="Recording URL")
    recording_attachment_id = fields.Many2one("ir.attachment", string="Recording", copy=False)
    recording_downloaded = fields.Boolean(string="Downloaded", readonly=True, copy=False)
    recording_downloaded_by = fields.Many2one("res.users", readonly=True, copy=False)
    recording_downloaded_date = fields.Datetime(readonly=True, copy=False)
    too_long = fields.Boolean(compute="_compute_too_long", store=True)
    note = fields.Text()
    last_event_date = fields.Datetime(
        readonly=True, help="Timestamp of the latest PBX event applied to this call."
    )
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )

    _sql_constraints = [
        (
            "provider_call_uniq",
            "unique(provider_id, provider_call_id, company_id)",
            "A provider call can be recorded only once.",
        ),
        ("ring_seconds_positive", "CHECK(ring_seconds >= 0)", "Ring time cannot be negative."),
        ("talk_seconds_positive", "CHECK(talk_seconds >= 0)", "Talk time cannot be negative."),
    ]

    @api.depends("talk_seconds", "hotline_id.too_long_minutes")
    def _compute_too_long(self):
        for call in self:
            limit = call.hotline_id.too_long_minutes
            call.too_long = bool(limit) and call.talk_seconds > limit * 60
