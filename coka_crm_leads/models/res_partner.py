from odoo import models


class ResPartner(models.Model):
    # Odoo's phone blacklist mixin (as ``sms`` adds it): ``phone_blacklisted`` and the
    # blacklist state Odoo's SMS and marketing tools read (SPEC LEAD-4).
    _name = "res.partner"
    _inherit = ["res.partner", "mail.thread.phone", "coka.customer.mixin"]

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

    # Do Not Contact, Create deal / order / ticket (issue 11, items 4-5) ------------------

    def _coka_ticket_defaults(self):
        return {"default_partner_id": self.id}

    def _coka_order_partner(self):
        return self

    def action_coka_create_deal(self):
        """A new deal (opportunity) for this contact, in its form."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("New Deal"),
            "res_model": "crm.lead",
            "view_mode": "form",
            "target": "current",
            "context": {"default_type": "opportunity", "default_partner_id": self.id},
        }
