from odoo import _, api, models
from odoo.exceptions import ValidationError

# Set by the Call Center's Contacts action: the contacts created there are checked.
CALL_CENTER_CONTEXT = "coka_call_center_contact"


class ResPartner(models.Model):
    _inherit = "res.partner"

    def _coka_caller_card(self, exclude_call=None):
        """The caller's card also lists his open leads (not won, not archived), those the
        agent may read, newest first, at most 5."""
        card = super()._coka_caller_card(exclude_call=exclude_call)
        Lead = self.env["crm.lead"]
        if not Lead.has_access("read"):
            return card
        leads = Lead.search(
            [
                ("partner_id", "child_of", self.commercial_partner_id.id),
                ("stage_id.is_won", "=", False),
            ],
            order="create_date desc, id desc",
            limit=5,
        )
        card["leads"] = [
            {"id": lead.id, "name": lead.name, "stage": lead.stage_id.name or ""} for lead in leads
        ]
        return card

    # Custom contact fields (SPEC CON-2) -----------------------------------------------------

    # Only the contact saved from the Call Center form is checked: the key is dropped for
    # what its save creates in turn (its addresses) and for a company quick-created by name.

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.context.get(CALL_CENTER_CONTEXT):
            return super().create(vals_list)
        for vals in vals_list:
            self._coka_check_call_center_contact(vals, creating=True)
        unchecked = self.with_context(**{CALL_CENTER_CONTEXT: False})
        return super(ResPartner, unchecked).create(vals_list).with_env(self.env)

    def write(self, vals):
        if not self.env.context.get(CALL_CENTER_CONTEXT):
            return super().write(vals)
        self._coka_check_call_center_contact(vals, creating=False)
        return super(ResPartner, self.with_context(**{CALL_CENTER_CONTEXT: False})).write(vals)

    @api.model
    def name_create(self, name):
        return super(ResPartner, self.with_context(**{CALL_CENTER_CONTEXT: False})).name_create(
            name
        )

    @api.model
    def _coka_check_call_center_contact(self, vals, creating):
        """A contact saved from the Call Center has every required custom field: missing on
        create, or emptied on write, is refused. Elsewhere (the Contacts app, the PBX for
        unknown callers, imports) the fields stay optional: no NOT NULL column."""
        missing = [
            field.name
            for field in self.env["coka.contact.field"].sudo().search([("required", "=", True)])
            if field.field_id
            and (creating or field.field_id.name in vals)
            and _coka_is_empty(vals.get(field.field_id.name))
        ]
        if missing:
            raise ValidationError(
                _("Fill in the required contact fields: %s", ", ".join(missing))
            )


def _coka_is_empty(value):
    """No value: not given, False or blank text (0 is a value)."""
    if value is None or value is False:
        return True
    return isinstance(value, str) and not value.strip()
