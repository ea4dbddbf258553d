from odoo import fields, models


class CokaPbxCallCountMixin(models.AbstractModel):
    """The counts of the calls of one closed local day that the per-day tables share
    (``coka.pbx.call.day``, ``coka.pbx.call.user.day``; PERF-5), written by the refresh job
    of ``coka.pbx.call.day``."""

    _name = "coka.pbx.call.count.mixin"
    _description = "Counted Calls of a Day"

    company_id = fields.Many2one("res.company", required=True, ondelete="cascade")
    day = fields.Date(required=True, index=True, help="The local day, in the report time zone.")
    date = fields.Datetime(required=True, index=True, help="The day's local midnight, in UTC.")
    user_id = fields.Many2one("res.users", string="Agent", ondelete="cascade")
    calls = fields.Integer()
    answered = fields.Integer()
    missed = fields.Integer()
    ring_seconds = fields.Integer()
    talk_seconds = fields.Integer()
    answered_talk_seconds = fields.Integer()
    cost = fields.Float(digits=(16, 2))
    qa_sum = fields.Float()
    qa_count = fields.Integer()
    missed_while_on = fields.Integer()
