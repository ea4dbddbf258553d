from odoo import models


class CokaPbxCall(models.Model):
    """The call panel's "Send SMS / ZNS" (SPEC MSG-2)."""

    _inherit = "coka.pbx.call"

    def action_coka_send_message(self):
        """The send wizard for the call's contact, or for the call's number when the caller
        is unknown, in a dialog."""
        self.ensure_one()
        target = self.partner_id or self
        return self.env["coka.message.send"]._coka_open_for(target)
