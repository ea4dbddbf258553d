from odoo import models
from odoo.exceptions import AccessError, UserError

from odoo.addons.coka_pbx.tools import phone


class CokaDoNotContactLift(models.TransientModel):
    """Take the numbers of the chosen leads and contacts off the Do Not Contact list, with a
    required reason: Call Center Managers only (SPEC LEAD-4)."""

    _name = "coka.do.not.contact.lift"
    _inherit = "coka.do.not.contact"
    _description = "Lift Do Not Contact"

    def _target_numbers(self):
        numbers = super()._target_numbers()
        found = self.env["phone.blacklist"]._coka_find(numbers)
        return [number for number in numbers if number in found]

    def action_confirm(self):
        """Lift Do Not Contact on the numbers; logged on each record's chatter."""
        self.ensure_one()
        if not self.env.user.has_group("coka_pbx.group_manager"):
            raise AccessError(self.env._("Only a Call Center Manager lifts Do Not Contact."))
        numbers = self._target_numbers()
        if not numbers:
            raise UserError(self.env._("None of these numbers is on the Do Not Contact list."))
        # sudo: Managers lift it without being administrators of Odoo's blacklist.
        self.env["phone.blacklist"].sudo()._coka_lift(numbers, self.reason)
        self._log(
            self.env._(
                "Do Not Contact lifted on %(numbers)s: %(reason)s",
                numbers=", ".join(phone.to_display(n) for n in numbers),
                reason=self.reason,
            )
        )
        return {"type": "ir.actions.act_window_close"}
