from odoo import api, fields, models


class CokaPbxCall(models.Model):
    _inherit = "coka.pbx.call"

    lead_id = fields.Many2one("crm.lead", index=True, ondelete="set null")

    def _coka_note_targets(self):
        """The wrap-up note also goes on the lead's chatter (SPEC PBX-8)."""
        return super()._coka_note_targets() + list(self.lead_id)

    @api.model
    def _coka_linkable_fields(self):
        """An agent may also link his call to one of his leads."""
        return super()._coka_linkable_fields() + ["lead_id"]

    # A call links to the customer's open lead (issue 11, item 5) ------------------------

    @api.model
    def _coka_originate(self, number, partner=None):
        """Click-to-call: the new call is linked to the customer's open lead."""
        call = super()._coka_originate(number, partner=partner)
        lead = self.env["crm.lead"]._coka_open_lead(call.customer_number, call.partner_id)
        if lead:
            # sudo: agents do not write call records themselves (see _coka_originate).
            call.sudo().lead_id = lead
        return call

    def _coka_caller_card(self):
        """At ringing the caller's card already lists his open leads (read with the agent's
        rights): the call is linked to the newest one, with no other lookup on the webhook
        path (PERF-2)."""
        card = super()._coka_caller_card()
        if card and card.get("leads"):
            # sudo: the webhook claims and writes calls as superuser; the card is the agent's.
            self.sudo().lead_id = card["leads"][0]["id"]
        return card

    # A ticket from the call panel (SPEC CON-5) -------------------------------------------

    def action_coka_create_ticket(self):
        """A new ticket about this call, its contact and its lead, in a dialog (the call
        panel's Create ticket)."""
        self.ensure_one()
        # A lead the agent may not read (another agent's) is left out rather than refused.
        lead = self.lead_id if self.lead_id.has_access("read") else self.lead_id.browse()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("New Ticket"),
            "res_model": "coka.ticket",
            "view_mode": "form",
            "views": [[False, "form"]],
            "target": "new",
            "context": {
                "default_call_id": self.id,
                "default_partner_id": self.partner_id.id,
                "default_lead_id": lead.id,
            },
        }
