from odoo import api, fields, models

from ..tools import phone


class ResPartner(models.Model):
    _inherit = "res.partner"

    coka_phone_e164 = fields.Char(
        string="Phone Key", compute="_compute_coka_phone_keys", store=True, index=True
    )
    coka_mobile_e164 = fields.Char(
        string="Mobile Key", compute="_compute_coka_phone_keys", store=True, index=True
    )
    coka_customer_type = fields.Selection(
        [("prospect", "Prospect"), ("customer", "Customer"), ("vip", "VIP")],
        string="Customer Type",
        tracking=True,
    )
    coka_source = fields.Selection(
        [
            ("system", "System"),
            ("zalo", "Zalo"),
            ("facebook", "Facebook"),
            ("landing_page", "Landing page"),
            ("import", "Import"),
            ("phone", "Phone call"),
        ],
        string="Contact Source",
        default="system",
    )
    coka_call_ids = fields.One2many("coka.pbx.call", "partner_id", string="Calls")
    coka_call_count = fields.Integer(string="Call Count", compute="_compute_coka_call_count")

    @api.depends("phone", "mobile")
    def _compute_coka_phone_keys(self):
        for partner in self:
            partner.coka_phone_e164 = phone.to_e164(partner.phone)
            partner.coka_mobile_e164 = phone.to_e164(partner.mobile)

    def _compute_coka_call_count(self):
        counts = dict(
            self.env["coka.pbx.call"]._read_group(
                [("partner_id", "in", self.ids)], ["partner_id"], ["__count"]
            )
        )
        for partner in self:
            partner.coka_call_count = counts.get(partner, 0)

    @api.model
    def _coka_search_phone(self, number, limit=None, company=None):
        """Return the partners whose phone or mobile is ``number`` (SPEC PBX-4).

        Equality on the stored E.164 keys: indexed, never ``ilike``.

        :param str number: a number in any usual form
        :param int limit: at most this many partners
        :param company: only partners shared or of this ``res.company``
        :return: ``res.partner`` recordset, empty when the number is invalid
        """
        key = phone.to_e164(number)
        if not key:
            return self.browse()
        domain = ["|", ("coka_mobile_e164", "=", key), ("coka_phone_e164", "=", key)]
        if company:
            domain.append(("company_id", "in", (False, company.id)))
        return self.search(domain, limit=limit)

    def action_coka_view_calls(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("coka_pbx.coka_pbx_call_action")
        action["domain"] = [("partner_id", "=", self.id)]
        action["context"] = {"default_partner_id": self.id}
        return action

    def _coka_call(self, number):
        self.ensure_one()
        call = self.env["coka.pbx.call"]._coka_originate(number, partner=self)
        return {
            "type": "ir.actions.act_window",
            "res_model": "coka.pbx.call",
            "res_id": call.id,
            "view_mode": "form",
            "target": "new",
        }

    def action_coka_call_mobile(self):
        """Click-to-call the mobile (SPEC PBX-8): opens the call with its controls."""
        return self._coka_call(self.mobile)

    def action_coka_call_phone(self):
        """Click-to-call the phone (SPEC PBX-8): opens the call with its controls."""
        return self._coka_call(self.phone)
