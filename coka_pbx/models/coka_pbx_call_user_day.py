from odoo import fields, models


class CokaPbxCallUserDay(models.Model):
    """The calls of one closed local day per company and agent (PERF-5): the rows of
    ``coka.pbx.call.day`` added up over hotlines, extensions and directions (the directions
    kept as columns). The reports read it when a query needs no hotline, extension nor
    direction (``coka.pbx.call.user.report``, ``coka.pbx.agent.user.stat``). Written with
    ``coka.pbx.call.day`` by its refresh job."""

    _name = "coka.pbx.call.user.day"
    _inherit = ["coka.pbx.call.count.mixin"]
    _description = "Calls per Agent and Day"
    _log_access = False
    _order = "day desc, id"

    inbound = fields.Integer()
    outbound = fields.Integer()
    inbound_answered = fields.Integer()
    inbound_missed = fields.Integer()
