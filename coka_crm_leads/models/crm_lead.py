from odoo import api, fields, models

from odoo.addons.coka_pbx.tools import phone


class CrmLead(models.Model):
    _inherit = "crm.lead"

    coka_mobile_e164 = fields.Char(
        string="Mobile Key", compute="_compute_coka_mobile_e164", store=True, index=True
    )
    coka_ticket_ids = fields.One2many("coka.ticket", "lead_id", string="Tickets")
    coka_ticket_count = fields.Integer(string="Ticket Count", compute="_compute_coka_ticket_count")

    @api.depends("mobile", "phone")
    def _compute_coka_mobile_e164(self):
        for lead in self:
            lead.coka_mobile_e164 = phone.to_e164(lead.mobile) or phone.to_e164(lead.phone)

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
