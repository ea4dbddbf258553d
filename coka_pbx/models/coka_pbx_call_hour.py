from odoo import fields, models


class CokaPbxCallHour(models.Model):
    """The calls of one closed local day per hour, company, hotline and direction (PERF-5):
    the dashboard's per-hour chart for Managers, through ``coka.pbx.call.hour.report``.
    Written with ``coka.pbx.call.day`` by its refresh job."""

    _name = "coka.pbx.call.hour"
    _description = "Calls per Hour"
    _log_access = False
    _order = "date desc, id"

    company_id = fields.Many2one("res.company", required=True, ondelete="cascade")
    day = fields.Date(required=True, index=True, help="The local day, in the report time zone.")
    date = fields.Datetime(required=True, index=True, help="The local hour's start, in UTC.")
    hotline_id = fields.Many2one("coka.pbx.hotline", ondelete="cascade")
    direction = fields.Selection(
        [("inbound", "Inbound"), ("outbound", "Outbound"), ("internal", "Internal")]
    )
    calls = fields.Integer()
