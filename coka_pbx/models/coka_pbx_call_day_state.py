from odoo import fields, models


class CokaPbxCallDayState(models.Model):
    """What the calls of one company's closed day were when ``coka.pbx.call.day`` counted
    them (PERF-5): the refresh job counts a day again when its fingerprint changes."""

    _name = "coka.pbx.call.day.state"
    _description = "Counted Call Day"
    _log_access = False
    _order = "day desc, id"

    company_id = fields.Many2one("res.company", required=True, ondelete="cascade")
    day = fields.Date(required=True, index=True)
    fingerprint = fields.Char(
        required=True, help="Count, last write and sum of ids of the day's calls."
    )
