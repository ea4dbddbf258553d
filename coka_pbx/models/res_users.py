from odoo import fields, models


class ResUsers(models.Model):
    _inherit = "res.users"

    coka_agent_status = fields.Selection(
        [("on", "ON"), ("off", "OFF")],
        string="Agent Status",
        default="on",
        required=True,
        help="OFF: no inbound call is routed to this agent, click-to-call is refused "
        "and no lead is assigned to him.",
    )
    coka_extension_ids = fields.One2many("coka.pbx.extension", "user_id", string="Extensions")

    @property
    def SELF_READABLE_FIELDS(self):
        return super().SELF_READABLE_FIELDS + ["coka_agent_status", "coka_extension_ids"]

    @property
    def SELF_WRITEABLE_FIELDS(self):
        return super().SELF_WRITEABLE_FIELDS + ["coka_agent_status"]

    def action_coka_toggle_agent_status(self):
        """Switch the agent between ON and OFF; agents call it on themselves."""
        for user in self:
            user.coka_agent_status = "off" if user.coka_agent_status == "on" else "on"
        return True
