from odoo import api, fields, models
from odoo.exceptions import UserError


class CrmLead(models.Model):
    _name = "crm.lead"
    _inherit = ["crm.lead", "coka.phone.mixin", "coka.customer.mixin"]
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

    # Calls, Do Not Contact, Create deal / order / ticket (issue 11, items 4-5) -----------

    coka_call_ids = fields.One2many("coka.pbx.call", "lead_id", string="Calls")
    coka_call_count = fields.Integer(string="Call Count", compute="_compute_coka_call_count")
    coka_phone_search = fields.Char(
        string="Phone Search",
        compute="_compute_coka_phone_search",
        search="_search_coka_phone_search",
        help="Any form of a phone or mobile number: the leads with that number (its E.164 "
        "key, never a partial match).",
    )

    def _compute_coka_phone_search(self):
        self.coka_phone_search = False

    def _search_coka_phone_search(self, operator, value):
        """Equality on the E.164 key, through coka_pbx's lookup (``_coka_search_phone``)."""
        if operator not in ("=", "ilike", "like", "=ilike", "=like") or not isinstance(value, str):
            raise UserError(self.env._("Search a phone number with a number."))
        leads = self.with_context(active_test=False)._coka_search_phone(value)
        return [("id", "in", leads.ids)]

    def _compute_coka_call_count(self):
        counts = dict(
            self.env["coka.pbx.call"]._read_group(
                [("lead_id", "in", self.ids)], ["lead_id"], ["__count"]
            )
        )
        for lead in self:
            lead.coka_call_count = counts.get(lead, 0)

    def action_coka_view_calls(self):
        """The lead's calls (those linked to it, SPEC PBX-8), with their notes."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("coka_pbx.coka_pbx_call_action")
        action["domain"] = [("lead_id", "=", self.id)]
        action["context"] = {"create": False}
        return action

    @api.model
    def _coka_open_lead(self, number, partner=None):
        """The customer's open lead (active, not won) the current user may read, newest
        first: the lead of ``partner`` or else the lead with ``number`` in its numbers.

        :param str number: the customer's number in any usual form
        :param partner: the customer's ``res.partner``, if known
        :return: ``crm.lead``, possibly empty
        """
        domain = [("stage_id.is_won", "=", False)]
        if partner:
            lead = self.search(
                [*domain, ("partner_id", "child_of", partner.commercial_partner_id.id)],
                order="create_date desc, id desc",
                limit=1,
            )
            if lead:
                return lead
        leads = self._coka_search_phone(number) if number else self.browse()
        return leads.filtered_domain(domain).sorted("id", reverse=True)[:1]

    def _coka_ticket_defaults(self):
        return {"default_lead_id": self.id, "default_partner_id": self.partner_id.id}

    def _coka_order_partner(self):
        return self.partner_id

    def action_coka_create_deal(self):
        """Make the lead a deal the Odoo way: Odoo's Convert to Opportunity wizard (it
        finds or creates the customer and merges duplicates)."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "crm.action_crm_lead2opportunity_partner"
        )
        action["context"] = {
            "active_model": "crm.lead",
            "active_id": self.id,
            "active_ids": self.ids,
        }
        return action

    def action_coka_create_order(self):
        """With Sales and CRM (``sale_crm``), Odoo's own New Quotation of the lead (it asks
        for the customer when the lead has none); else a quotation for its contact."""
        self.ensure_one()
        if hasattr(self, "action_sale_quotations_new"):
            return self.action_sale_quotations_new()
        return super().action_coka_create_order()
