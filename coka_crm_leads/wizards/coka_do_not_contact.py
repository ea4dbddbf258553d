from odoo import api, fields, models
from odoo.exceptions import UserError

from odoo.addons.coka_pbx.tools import phone


class CokaDoNotContact(models.TransientModel):
    """Put every number of the chosen leads and contacts on the Do Not Contact list (Odoo's
    ``phone.blacklist``), with a required reason (SPEC LEAD-4)."""

    _name = "coka.do.not.contact"
    _description = "Do Not Contact"

    lead_ids = fields.Many2many("crm.lead", string="Leads")
    partner_ids = fields.Many2many("res.partner", string="Contacts")
    numbers = fields.Text(compute="_compute_numbers")
    reason = fields.Text(required=True)

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        model = self.env.context.get("active_model")
        ids = self.env.context.get("active_ids") or []
        if model == "crm.lead":
            values["lead_ids"] = [fields.Command.set(ids)]
        elif model == "res.partner":
            values["partner_ids"] = [fields.Command.set(ids)]
        return values

    def _targets(self):
        return [*self.lead_ids, *self.partner_ids]

    def _target_numbers(self):
        keys = [key for record in self._targets() for key in record._coka_dnc_numbers()]
        return list(dict.fromkeys(keys))

    @api.depends("lead_ids", "partner_ids")
    def _compute_numbers(self):
        for wizard in self:
            wizard.numbers = "\n".join(phone.to_display(k) for k in wizard._target_numbers())

    def _log(self, body):
        for record in self._targets():
            record._message_log(body=body)
        self.env.invalidate_all()

    def action_confirm(self):
        """Blacklist the numbers with the reason; logged on each record's chatter."""
        self.ensure_one()
        numbers = self._target_numbers()
        if not numbers:
            raise UserError(self.env._("These records have no valid phone number."))
        # sudo: an agent marks his customers Do Not Contact, while only administrators
        # manage Odoo's blacklist itself; the entries keep him as who set it.
        self.env["phone.blacklist"].sudo()._coka_block(numbers, self.reason)
        self._log(
            self.env._(
                "Do Not Contact %(numbers)s: %(reason)s",
                numbers=", ".join(phone.to_display(n) for n in numbers),
                reason=self.reason,
            )
        )
        return {"type": "ir.actions.act_window_close"}
