from odoo import fields, models


class CokaPbxCallUserDay(models.Model):
    """The calls of one closed local day per company and agent (PERF-5): the rows of
    ``coka.pbx.call.day`` added up over hotlines, extensions and directions (the directions
    kept as columns). The reports read it when a query needs no hotline, extension nor
    direction (``coka.pbx.call.user.report``, ``coka.pbx.agent.user.stat``). Written with
    ``coka.pbx.call.day`` by its refresh job."""

    _name = "coka.pbx.call.user.day"
    _description = "Calls per Agent and Day"
    _log_access = False
    _order = "day desc, id"

    company_id = fields.Many2one("res.company", required=True, ondelete="cascade")
    day = fields.Date(required=True, index=True, help="The local day, in the report time zone.")
    date = fields.Datetime(required=True, index=True, help="The day's local midnight, in UTC.")
    user_id = fields.Many2one("res.users", string="Agent", ondelete="cascade")
    calls = fields.Integer()
    answered = fields.Integer()
    missed = fields.Integer()
    inbound = fields.Integer()
    outbound = fields.Integer()
    inbound_answered = fields.Integer()
    inbound_missed = fields.Integer()
    ring_seconds = fields.Integer()
    talk_seconds = fields.Integer()
    answered_talk_seconds = fields.Integer()
    cost = fields.Float(digits=(16, 2))
    qa_sum = fields.Float()
    qa_count = fields.Integer()
    missed_while_on = fields.Integer()
