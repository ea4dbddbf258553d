from collections import defaultdict

from markupsafe import Markup, escape

from odoo import api, fields, models


class ResPartner(models.Model):
    _name = "res.partner"
    _inherit = ["res.partner", "coka.phone.mixin"]
    # A contact may keep a number that is not valid (it then has no key and matches nothing);
    # its keys are searched through coka.phone.key, so the key columns carry no index.
    _coka_phone_lookup = True

    coka_phone_e164 = fields.Char(
        string="Phone Key", compute="_compute_coka_phone_keys", store=True, precompute=True
    )
    coka_mobile_e164 = fields.Char(
        string="Mobile Key", compute="_compute_coka_phone_keys", store=True, precompute=True
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

    def _coka_phone_fields(self):
        return {"phone": "coka_phone_e164", "mobile": "coka_mobile_e164"}

    def _coka_log_timeline(self, entries):
        """Log what happened with contacts on their chatter (SPEC CON-6): a call that ended,
        a ticket, a lead. One logged note per contact and author, all of them in one batch
        (``_message_log_batch``: no notification, no follower).

        :param entries: iterable of ``(partner id, text, author partner id or False)``
        """
        lines = defaultdict(list)
        for partner_id, text, author_id in entries:
            if partner_id and text:
                lines[author_id or False, partner_id].append(text)
        by_author = defaultdict(dict)
        for (author_id, partner_id), texts in lines.items():
            by_author[author_id][partner_id] = Markup("<br/>").join(escape(t) for t in texts)
        for author_id, bodies in by_author.items():
            # sudo: the events are logged for whoever caused them (an agent, the PBX's
            # webhook); logging gives no right on the contact.
            self.browse(list(bodies)).sudo()._message_log_batch(
                bodies=bodies, author_id=author_id or None
            )

    # What the user may read: an agent counts his own.
    @api.depends_context("uid")
    def _compute_coka_call_count(self):
        counts = dict(
            self.env["coka.pbx.call"]._read_group(
                [("partner_id", "in", self.ids)], ["partner_id"], ["__count"]
            )
        )
        for partner in self:
            partner.coka_call_count = counts.get(partner, 0)

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

    def _coka_caller_card(self, exclude_call=None):
        """The caller's card of the incoming popup (SPEC PBX-9): name, customer type, owner,
        his last 5 calls (the ringing one left out).

        Hook: the leads module adds his open leads (``leads``).

        :param exclude_call: the ``coka.pbx.call`` ringing now
        :return: dict, read with the current user's rights
        """
        self.ensure_one()
        Call = self.env["coka.pbx.call"]
        domain = [("partner_id", "=", self.id)]
        if exclude_call:
            domain.append(("id", "!=", exclude_call.id))
        statuses = dict(Call._fields["status"]._description_selection(self.env))
        directions = dict(Call._fields["direction"]._description_selection(self.env))
        types = dict(self._fields["coka_customer_type"]._description_selection(self.env))
        calls = Call.search(domain, limit=5) if Call.has_access("read") else Call
        return {
            "id": self.id,
            "name": self.name,
            "customer_type": self.coka_customer_type or False,
            "customer_type_label": types.get(self.coka_customer_type, ""),
            "owner": self.user_id.name or False,
            "calls": [
                {
                    "id": call.id,
                    "date": call.start_date.isoformat() + "Z" if call.start_date else False,
                    "direction": directions.get(call.direction, ""),
                    "status": statuses.get(call.status, ""),
                    "talk_seconds": call.talk_seconds,
                    "note": call.note or "",
                }
                for call in calls
            ],
            "leads": [],
        }
