from odoo import api, fields, models
from odoo.exceptions import UserError


class CokaCustomerMixin(models.AbstractModel):
    """What leads and contacts share in the Call Center: Do Not Contact (SPEC LEAD-4, on
    Odoo's ``phone.blacklist``) and the Create deal / order / ticket buttons.

    The inheriting model also inherits coka_pbx's ``coka.phone.mixin`` (its phone keys)
    and implements
    :meth:`_coka_ticket_defaults`, :meth:`_coka_order_partner` and
    :meth:`action_coka_create_deal`.
    """

    _name = "coka.customer.mixin"
    _description = "Call Center Customer Mixin"

    coka_dnc_reason = fields.Text(
        string="Do Not Contact Reason",
        compute="_compute_coka_dnc",
        help="Why a number of this record is on the Do Not Contact list (Odoo's phone "
        "blacklist): it is not called, nor sent SMS or ZNS.",
    )
    coka_dnc_user_id = fields.Many2one(
        "res.users", string="Do Not Contact Set By", compute="_compute_coka_dnc"
    )
    coka_dnc_date = fields.Datetime(string="Do Not Contact Since", compute="_compute_coka_dnc")
    coka_sale_installed = fields.Boolean(
        string="Sales Installed", compute="_compute_coka_sale_installed"
    )
    coka_phone_search = fields.Char(
        string="Phone Search",
        compute="_compute_coka_phone_search",
        search="_search_coka_phone_search",
        help="Any form of a phone or mobile number: the records with that number (its E.164 "
        "key, never a partial match).",
    )

    # Search by any form of a number (leads: issue 11; contacts: SPEC CON-6) ---------------

    def _compute_coka_phone_search(self):
        self.coka_phone_search = False

    def _search_coka_phone_search(self, operator, value):
        """Equality on the E.164 key, through coka_pbx's lookup (``_coka_search_phone``)."""
        if operator not in ("=", "ilike", "like", "=ilike", "=like") or not isinstance(value, str):
            raise UserError(self.env._("Search a phone number with a number."))
        records = self.with_context(active_test=False)._coka_search_phone(value)
        return [("id", "in", records.ids)]

    # Do Not Contact ---------------------------------------------------------------------

    def _coka_dnc_numbers(self):
        """The E.164 keys of the record's numbers (those without a valid key left out)."""
        self.ensure_one()
        keys = [self[key_field] for key_field in self._coka_phone_fields().values()]
        return list(dict.fromkeys(key for key in keys if key))

    @api.depends(
        lambda self: (
            list(self._coka_phone_fields().values()) if hasattr(self, "_coka_phone_fields") else []
        )
    )
    def _compute_coka_dnc(self):
        numbers = {record: record._coka_dnc_numbers() for record in self}
        found = self.env["phone.blacklist"]._coka_find(
            [key for keys in numbers.values() for key in keys]
        )
        for record in self:
            entry = next((found[key] for key in numbers[record] if key in found), None)
            entry = entry.sudo() if entry else None
            # An entry made by Odoo's own tools (SMS opt-out, the blacklist menu) has no reason.
            reason = entry and (entry.coka_reason or self.env._("On Odoo's phone blacklist"))
            record.coka_dnc_reason = reason or False
            record.coka_dnc_user_id = (entry.coka_user_id or entry.create_uid) if entry else False
            record.coka_dnc_date = (entry.coka_date or entry.create_date) if entry else False

    def _coka_dnc_wizard(self, model, name):
        return {
            "type": "ir.actions.act_window",
            "name": name,
            "res_model": model,
            "view_mode": "form",
            "target": "new",
            "context": {"active_model": self._name, "active_ids": self.ids},
        }

    def action_coka_do_not_contact(self):
        """Open the Do Not Contact wizard for these records (a reason is required)."""
        return self._coka_dnc_wizard("coka.do.not.contact", self.env._("Do Not Contact"))

    def action_coka_lift_do_not_contact(self):
        """Open the wizard that lifts Do Not Contact (Managers)."""
        return self._coka_dnc_wizard("coka.do.not.contact.lift", self.env._("Lift Do Not Contact"))

    # Create deal / order / ticket ---------------------------------------------------------

    def _compute_coka_sale_installed(self):
        installed = "sale.order" in self.env
        for record in self:
            record.coka_sale_installed = installed

    def _coka_ticket_defaults(self):
        """The ``default_*`` context of a new ticket about this record."""
        raise NotImplementedError

    def _coka_order_partner(self):
        """The customer of a new quotation made from this record."""
        raise NotImplementedError

    def action_coka_create_ticket(self):
        """A new ticket ("phiếu ghi") about this record, in a form."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("New Ticket"),
            "res_model": "coka.ticket",
            "view_mode": "form",
            "target": "current",
            "context": self._coka_ticket_defaults(),
        }

    def action_coka_create_order(self):
        """A new quotation for this record's customer (only when Sales is installed: the
        button is hidden otherwise)."""
        self.ensure_one()
        if "sale.order" not in self.env:
            return False
        partner = self._coka_order_partner()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("New Quotation"),
            "res_model": "sale.order",
            "view_mode": "form",
            "target": "current",
            "context": {"default_partner_id": partner.id} if partner else {},
        }
