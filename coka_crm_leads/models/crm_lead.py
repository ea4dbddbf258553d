import json

from markupsafe import Markup, escape
from psycopg2 import errors

from odoo import api, fields, models
from odoo.tools import plaintext2html

from ..tools import intake


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
        string="Mobile Key", compute="_compute_coka_phone_keys", store=True, index=True
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

    # Intake API (POST /coka_crm/lead, SPEC LEAD-1) ------------------------------------------

    coka_intake_data = fields.Json(
        string="Intake Data",
        readonly=True,
        copy=False,
        help="The other keys of the intake API request that created the lead.",
    )
    coka_intake_html = fields.Html(
        string="Intake Details", compute="_compute_coka_intake_html", sanitize=False
    )

    @api.depends("coka_intake_data")
    def _compute_coka_intake_html(self):
        for lead in self:
            data = lead.coka_intake_data
            if not data or not isinstance(data, dict):
                lead.coka_intake_html = False
                continue
            rows = Markup("").join(
                Markup("<tr><th>%s</th><td>%s</td></tr>")
                % (key, value if isinstance(value, str) else json.dumps(value, ensure_ascii=False))
                for key, value in data.items()
            )
            lead.coka_intake_html = (
                Markup('<table class="table table-sm o_coka_intake">%s</table>') % rows
            )

    @api.model
    def _coka_intake_request(self, authorization, raw):
        """Handle one request of the intake API (called by the controller as superuser).

        :param str authorization: the ``Authorization`` header (``Bearer <token>``)
        :param bytes raw: the request body
        :return: ``(http status, JSON answer)``
        """
        token = self.env["coka.lead.token"]._coka_authenticate(intake.bearer_token(authorization))
        if not token:
            return 401, {"ok": False, "error": "missing, unknown or revoked token"}
        try:
            values = intake.parse(raw)
        except intake.IntakeError as error:
            return 400, {"ok": False, "error": str(error)}
        return self.with_company(token.company_id)._coka_intake(values, token)

    @api.model
    def _coka_intake(self, values, token):
        """Create the lead of one validated intake request, or note it on the open lead of the
        same company with the same mobile.

        :param dict values: what ``tools.intake.parse`` returns
        :param token: the ``coka.lead.token`` that authenticated the request
        :return: ``(http status, JSON answer)``
        """
        company = token.company_id
        team = self.env["crm.team"]
        if values["team"]:
            team = team.search(
                [("name", "=ilike", values["team"]), ("company_id", "in", [company.id, False])],
                limit=1,
            )
            if not team:
                return 400, {"ok": False, "error": f"unknown team {values['team']}"}
        if values["mobile_key"]:
            # Serialises the posts of one number (see coka.lead.intake.lock).
            self.env["coka.lead.intake.lock"]._coka_take(company.id, values["mobile_key"])
            duplicate = self.search(
                [
                    ("company_id", "=", company.id),
                    ("coka_mobile_e164", "=", values["mobile_key"]),
                    ("stage_id.is_won", "=", False),
                ],
                order="id",
                limit=1,
            )
            if duplicate:
                duplicate._coka_intake_note(values)
                return 200, {"ok": True, "lead_id": duplicate.id, "duplicate": True}
        lead = self.create(
            {
                "type": "lead",
                "name": values["name"] or values["mobile"] or values["email"],
                "contact_name": values["name"],
                "mobile": values["mobile"],
                "email_from": values["email"],
                "source_id": self._coka_intake_source(values["funnel"], company).id,
                "description": plaintext2html(values["message"]) if values["message"] else False,
                **({"team_id": team.id} if team else {}),
                "company_id": company.id,
                # Not the API's superuser: the assignment gives the lead its agent.
                "user_id": False,
                "coka_intake_data": values["extra"] or False,
            }
        )
        return 201, {"ok": True, "lead_id": lead.id, "assigned_to": lead.user_id.login or None}

    def _coka_intake_note(self, values):
        """Note a repeated intake request on this open lead's chatter."""
        self.ensure_one()
        parts = [escape(self.env._("Posted again through the lead intake API."))]
        if values["funnel"]:
            parts.append(escape(self.env._("Funnel: %(funnel)s", funnel=values["funnel"])))
        if values["name"]:
            parts.append(escape(self.env._("Name: %(name)s", name=values["name"])))
        body = Markup("<p>%s</p>") % Markup("<br/>").join(parts)
        if values["message"]:
            body += plaintext2html(values["message"])
        self.message_post(body=body, message_type="comment", subtype_xmlid="mail.mt_note")

    @api.model
    def _coka_intake_source(self, funnel, company):
        """The ``utm.source`` named ``funnel`` (any case), created when missing."""
        Source = self.env["utm.source"]
        if not funnel:
            return Source
        source = Source.search([("name", "=ilike", funnel)], limit=1)
        if source:
            return source
        # Two posts of one new funnel at once: the second waits, then runs again and finds it.
        self.env["coka.lead.intake.lock"]._coka_take(company.id, f"utm.source:{funnel.lower()}")
        try:
            with self.env.cr.savepoint():
                return Source.create({"name": funnel})
        except errors.UniqueViolation:
            # Created by a request of another company that committed after this one began:
            # not visible here. A serialisation failure makes Odoo run the request again.
            self.env.cr.execute(
                "DO $$ BEGIN RAISE EXCEPTION 'utm.source created concurrently' "
                "USING ERRCODE = 'serialization_failure'; END $$",
                log_exceptions=False,
            )
            raise  # not reached: the statement above raises
