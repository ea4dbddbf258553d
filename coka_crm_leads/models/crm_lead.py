from odoo import fields, models


class CrmLead(models.Model):
    _name = "crm.lead"
    _inherit = ["crm.lead", "coka.phone.mixin"]
    # Like contacts: a lead may keep a number that is not valid (it then has no key), and its
    # keys are searched through coka.phone.key (``_coka_search_phone``). Not precomputed: a
    # lead's phone is itself computed from its contact.
    _coka_phone_lookup = True

    coka_phone_e164 = fields.Char(
        string="Phone Key", compute="_compute_coka_phone_keys", store=True
    )
    coka_mobile_e164 = fields.Char(
        string="Mobile Key", compute="_compute_coka_phone_keys", store=True
    )
    coka_ticket_ids = fields.One2many("coka.ticket", "lead_id", string="Tickets")
    coka_ticket_count = fields.Integer(string="Ticket Count", compute="_compute_coka_ticket_count")

    def _coka_phone_fields(self):
        return {"phone": "coka_phone_e164", "mobile": "coka_mobile_e164"}

    def _compute_coka_ticket_count(self):
        counts = dict(
            self.env["coka.ticket"]._read_group(
                [("lead_id", "in", self.ids)], ["lead_id"], ["__count"]
            )
        )
        for lead in self:
            lead.coka_ticket_count = counts.get(lead, 0)

    def action_coka_view_tickets(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("coka_crm_leads.coka_ticket_action")
        action["domain"] = [("lead_id", "=", self.id)]
        action["context"] = {
            "default_lead_id": self.id,
            "default_partner_id": self.partner_id.id,
        }
        return action
