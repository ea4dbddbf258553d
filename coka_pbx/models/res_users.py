from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

RECENT_CALLS = 10


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

    @api.model_create_multi
    def create(self, vals_list):
        users = super().create(vals_list)
        # The first entry of each internal user's status history (portal users take no call).
        internal = users.filtered(lambda user: not user.share)
        for status in ("on", "off"):
            self.env["coka.pbx.agent.status.log"]._coka_log(
                internal.filtered(lambda user, s=status: user.coka_agent_status == s), status
            )
        return users

    def write(self, vals):
        status = vals.get("coka_agent_status")
        changed = self.filtered(lambda user: user.coka_agent_status != status) if status else None
        result = super().write(vals)
        if changed:
            self.env["coka.pbx.agent.status.log"]._coka_log(changed, status)
        return result

    def action_coka_toggle_agent_status(self):
        """Switch the agent between ON and OFF; agents call it on themselves."""
        for user in self:
            user.coka_agent_status = "off" if user.coka_agent_status == "on" else "on"
        return True

    def coka_set_agent_status(self, status):
        """The agent switches himself ON or OFF from the systray (SPEC PBX-2).

        Allowed on oneself only: a manager changes another agent from the user's form. The
        extensions' stored ``agent_on`` follows in the same transaction, so the routing API
        skips an OFF agent as soon as the request commits.

        :param str status: ``"on"`` or ``"off"``
        :return: the agent's workspace, see :meth:`coka_agent_workspace`
        :raise AccessError: on another user
        :raise UserError: for an unknown status
        """
        self.ensure_one()
        if self != self.env.user:
            raise AccessError(self.env._("You can only change your own agent status."))
        if status not in ("on", "off"):
            raise UserError(self.env._("Unknown agent status: %(status)s.", status=status))
        self.coka_agent_status = status
        return self.coka_agent_workspace()

    @api.model
    def coka_agent_workspace(self):
        """What the systray and the dial pad show to the current user.

        :return: ``{"status", "extensions": [numbers], "recent_calls": [...]}``;
            ``extensions`` is empty for a user who is no agent (the systray hides itself)
        """
        user = self.env.user
        extensions = user.coka_extension_ids.filtered("active")
        return {
            "status": user.coka_agent_status,
            "extensions": extensions.mapped("number"),
            "recent_calls": self.env["coka.pbx.call"]._coka_recent_calls(RECENT_CALLS)
            if extensions
            else [],
        }
