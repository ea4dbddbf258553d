from odoo import models


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
