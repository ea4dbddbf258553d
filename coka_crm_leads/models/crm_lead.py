import datetime
import json
from collections import defaultdict

from markupsafe import Markup, escape
from psycopg2 import errors

from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL, plaintext2html

from ..tools import intake, source
from ..tools.rotation import pick_round_robin


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

    # Calls, Do Not Contact, Create deal / order / ticket (issue 11, items 4-5) -----------

    coka_call_ids = fields.One2many("coka.pbx.call", "lead_id", string="Calls")
    coka_call_count = fields.Integer(string="Call Count", compute="_compute_coka_call_count")

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

    # ------------------------------------------------------------------
    # Instant assignment (SPEC LEAD-2, LEAD-3)
    # ------------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        """A new lead with a mobile gets the tag Assign and, in the same transaction, its
        salesperson (SPEC LEAD-2), see :meth:`_coka_prepare_assignment`.

        The whole batch is decided at once before the records exist, so assigning adds no
        write. As Odoo's own assignment does, the salespersons get no assignment email; they
        follow their leads, subscribed in one insert per batch instead of once per lead
        (:meth:`_coka_subscribe_agents`). A creator whose record rules restrict
        the leads he creates (an agent) creates his leads as his, then they are handed to
        their agent."""
        if self.env.context.get("coka_lead_no_assign"):
            leads = super().create(vals_list)
            leads._coka_log_on_contacts(created=True)
            return leads
        assigned, handover = self._coka_prepare_assignment(vals_list)
        Lead = self
        if assigned:
            partners = self.env["res.users"].browse({uid for _i, uid in assigned}).partner_id
            Lead = self.with_context(coka_assign_subscribe_later=frozenset(partners.ids))
        leads = super(CrmLead, Lead).create(vals_list)
        if assigned:
            leads._coka_subscribe_agents([(leads[index].id, uid) for index, uid in assigned])
        by_agent = defaultdict(list)
        for index, user_id, team_id in handover:
            by_agent[(user_id, team_id)].append(leads[index].id)
        for (user_id, team_id), lead_ids in by_agent.items():
            vals = {"user_id": user_id}
            if team_id:
                vals["team_id"] = team_id
            self.sudo().with_context(mail_auto_subscribe_no_notify=True).browse(lead_ids).write(
                vals
            )
        leads._coka_log_on_contacts(created=True)
        return leads

    def _coka_subscribe_agents(self, pairs):
        """Make each agent a follower of the new leads given to him, as Odoo does for a
        salesperson (the model's default subtypes).

        Two statements for the whole batch: the ORM's ``mail.followers`` create (Odoo's
        ``_insert_followers``) costs about 0.3 ms a lead, as much again as the rest of the
        assignment (PERF-3). A creator who is his lead's agent already follows it: the
        unique key of ``mail_followers`` skips him.

        :param pairs: ``(lead id, user id)`` of new leads
        """
        if not pairs or self.env.context.get("tracking_disable"):
            return
        users = self.env["res.users"].sudo().browse({uid for _lead, uid in pairs})
        partner_of = {user.id: user.partner_id.id for user in users}
        subtypes = self.env["mail.message.subtype"]._get_auto_subscription_subtypes(self._name)[1]
        # No flush: the statement needs neither the leads' rows nor any pending value.
        rows = self.env.execute_query(
            SQL(
                """
                INSERT INTO mail_followers (res_model, res_id, partner_id)
                SELECT %(model)s, t.res_id, t.partner_id
                  FROM unnest(%(leads)s::int[], %(partners)s::int[]) AS t(res_id, partner_id)
                ON CONFLICT DO NOTHING
                RETURNING id
                """,
                model=self._name,
                leads=[lead_id for lead_id, _uid in pairs],
                partners=[partner_of[uid] for _lead, uid in pairs],
            )
        )
        if rows and subtypes:
            self.env.execute_query(
                SQL(
                    """
                    INSERT INTO mail_followers_mail_message_subtype_rel
                           (mail_followers_id, mail_message_subtype_id)
                    SELECT f, s FROM unnest(%s::int[]) AS f CROSS JOIN unnest(%s::int[]) AS s
                    """,
                    [row[0] for row in rows],
                    list(subtypes),
                )
            )
        self.env["mail.followers"].invalidate_model()
        self.invalidate_recordset(["message_follower_ids", "message_partner_ids"])

    def _message_auto_subscribe_followers(self, updated_values, default_subtype_ids):
        """The agents given by :meth:`create` are subscribed there, per batch, without the
        assignment email."""
        followers = super()._message_auto_subscribe_followers(updated_values, default_subtype_ids)
        later = self.env.context.get("coka_assign_subscribe_later")
        if later:
            followers = [follower for follower in followers if follower[0] not in later]
        return followers

    @api.model
    def _coka_prepare_assignment(self, vals_list):
        """Put the tag Assign and the salesperson in the values of the new leads that have a
        mobile (their own or their contact's).

        The salesperson is the creator when he is an eligible agent of the lead's team (see
        :meth:`_coka_team_agents`), otherwise the next eligible agent of the team in round
        robin; nobody when the team has none (the lead waits, tagged, for a manager). A
        salesperson chosen in the values (another user than the creator) is kept. The team
        is the one of the values, otherwise Odoo's default team of the creator (his team,
        else the first team of the company), as Odoo itself would give.

        :return: ``(assigned, handover)``: ``(index, user_id)`` of the leads whose values got
            an agent, ``(index, user_id, team_id)`` of those to hand over after their creation
            (when the creator's record rules restrict his creations)
        """
        tag = self.env.ref("coka_crm_leads.crm_tag_assign", raise_if_not_found=False)
        partner_ids = {
            vals["partner_id"]
            for vals in vals_list
            if vals.get("partner_id") and not vals.get("mobile")
        }
        partner_mobiles = {}
        if partner_ids:
            partners = self.env["res.partner"].sudo().browse(partner_ids)
            partner_mobiles = {partner.id: partner.mobile for partner in partners}
        creator = self.env.uid
        default_teams = {}
        todo = []
        for index, vals in enumerate(vals_list):
            if not (vals.get("mobile") or partner_mobiles.get(vals.get("partner_id"))):
                continue
            if tag:
                vals["tag_ids"] = self._coka_add_tag_command(vals.get("tag_ids"), tag.id)
            if vals.get("user_id") and vals["user_id"] != creator:
                continue
            lead_type = vals.get("type") or self.env.context.get("default_type")
            team_id = vals.get("team_id") or self._coka_default_team(lead_type, default_teams).id
            todo.append((index, vals, team_id))
        if not todo:
            return [], []
        picks = self._coka_pick_agents([(team_id, creator, ()) for _i, _vals, team_id in todo])
        restricted = not self.env.su and bool(
            self.env["ir.rule"]._compute_domain(self._name, "create")
        )
        assigned, handover = [], []
        for (index, vals, team_id), user_id in zip(todo, picks, strict=True):
            if restricted and user_id != creator:
                vals["user_id"] = creator
                handover.append((index, user_id, team_id if user_id else False))
                continue
            vals["user_id"] = user_id
            if user_id:
                vals["team_id"] = team_id
                assigned.append((index, user_id))
        return assigned, handover

    @api.model
    def _coka_default_team(self, lead_type, cache):
        """Odoo's default team of the current user for a lead of ``lead_type`` (his team,
        else the first team of the company: ``crm.team._get_default_team_id``), as crm's
        ``_compute_team_id`` gives it.

        :param cache: dict kept by the caller over a batch
        :return: ``crm.team`` (maybe empty)
        """
        if not lead_type:
            lead_type = "lead" if self.env.user.has_group("crm.group_use_lead") else "opportunity"
        if lead_type not in cache:
            field = "use_leads" if lead_type == "lead" else "use_opportunities"
            cache[lead_type] = self.env["crm.team"]._get_default_team_id(
                domain=[(field, "=", True)]
            )
        return cache[lead_type]

    @api.model
    def _coka_add_tag_command(self, tag_commands, tag_id):
        """The ``tag_ids`` value of create with the tag ``tag_id`` added."""
        commands = list(tag_commands or [])
        if commands and not all(isinstance(command, (list, tuple)) for command in commands):
            commands = [Command.set(commands)]
        return [*commands, Command.link(tag_id)]

    @api.model
    def _coka_team_agents(self, team_ids):
        """The agents each team may give a lead to now, in one query.

        An agent is an active member of the team (``crm.team.member``) whose user is active,
        in the group Agent, with status ON and a routable extension
        (:meth:`coka.pbx.extension._coka_routable_sql`: with billing, a valid seat).

        :param team_ids: ids of ``crm.team``
        :return: ``{team_id: {user_id: (assignment_optout, assignment_max)}}``, users ascending
        """
        if not team_ids:
            return {}
        for model in ("crm.team.member", "res.users", "coka.pbx.extension", "res.groups"):
            self.env[model].flush_model()
        group = self.env.ref("coka_pbx.group_agent")
        rows = self.env.execute_query(
            SQL(
                """
                SELECT m.crm_team_id, m.user_id, m.assignment_optout, m.assignment_max
                  FROM crm_team_member m
                  JOIN res_users u ON u.id = m.user_id
                 WHERE m.crm_team_id IN %(teams)s AND m.active AND u.active
                   AND u.coka_agent_status = 'on'
                   AND EXISTS (SELECT 1 FROM res_groups_users_rel g
                                WHERE g.uid = u.id AND g.gid = %(group)s)
                   AND EXISTS (SELECT 1 FROM coka_pbx_extension e
                                WHERE e.user_id = u.id AND %(routable)s)
                 ORDER BY m.crm_team_id, m.user_id
                """,
                teams=tuple(team_ids),
                group=group.id,
                routable=self.env["coka.pbx.extension"]._coka_routable_sql(),
            )
        )
        agents = defaultdict(dict)
        for team_id, user_id, optout, capacity in rows:
            agents[team_id][user_id] = (optout, capacity or 0)
        return agents

    @api.model
    def _coka_pick_agents(self, wishes):
        """Choose the salesperson of each lead, at once for a batch (SPEC LEAD-2, LEAD-3).

        Each wish is ``(team_id, creator_id, excluded_ids)``. The creator gets the lead when
        he is an agent of the team (:meth:`_coka_team_agents`) and not excluded. The others
        go round robin over the team's agents that are not opted out
        (``assignment_optout``) and under Odoo's capacity (``assignment_max`` leads over 30
        days, as ``crm.team.member.lead_month_count`` counts them), after the team's pointer
        ``coka_assign_last_user_id``, turned under a row lock once per batch by
        ``coka.lead.rotation._coka_turn`` (see there why in a transaction of its own).

        :param list wishes: ``(team_id, creator_id, excluded_ids)`` per lead
        :return: one user id or ``False`` per wish
        """
        team_ids = sorted({team_id for team_id, _creator, _excluded in wishes if team_id})
        agents = self._coka_team_agents(team_ids)
        picks = [False] * len(wishes)
        pending = defaultdict(list)
        for index, (team_id, creator, excluded) in enumerate(wishes):
            team_agents = agents.get(team_id)
            if not team_agents:
                continue
            if creator and creator in team_agents and creator not in excluded:
                picks[index] = creator
            else:
                pending[team_id].append(index)
        if not pending:
            return picks
        counts = self._coka_month_counts(pending, agents)

        def turn(pointers):
            updates = {}
            for team_id, indexes in pending.items():
                team_agents = agents[team_id]
                candidates = [uid for uid, (optout, _cap) in team_agents.items() if not optout]
                remaining = {
                    uid: team_agents[uid][1] - counts.get((uid, team_id), 0) for uid in candidates
                }
                chosen, pointer = pick_round_robin(
                    candidates,
                    pointers.get(team_id),
                    remaining,
                    [wishes[index][2] for index in indexes],
                )
                for index, user_id in zip(indexes, chosen, strict=True):
                    picks[index] = user_id or False
                if pointer and pointer != pointers.get(team_id):
                    updates[team_id] = pointer
            return updates

        self.env["coka.lead.rotation"]._coka_turn(sorted(pending), turn)
        return picks

    @api.model
    def _coka_month_counts(self, team_ids, agents):
        """Leads assigned over the last 30 days per (agent, team), as Odoo's
        ``crm.team.member.lead_month_count`` counts them (archived leads included).

        :return: ``{(user_id, team_id): count}``
        """
        user_ids = {uid for team_id in team_ids for uid in agents[team_id]}
        if not user_ids:
            return {}
        self.flush_model(["user_id", "team_id", "date_open"])
        rows = self.env.execute_query(
            SQL(
                """
                SELECT user_id, team_id, count(*) FROM crm_lead
                 WHERE team_id IN %s AND user_id IN %s AND date_open >= %s
                 GROUP BY user_id, team_id
                """,
                tuple(team_ids),
                tuple(user_ids),
                fields.Datetime.now() - datetime.timedelta(days=30),
            )
        )
        return {(user_id, team_id): count for user_id, team_id, count in rows}

    def _coka_assign(self, exclude_users=None):
        """Give each lead of ``self`` at once to an agent of its team in round robin
        (:meth:`_coka_pick_agents`, no creator-first), never to a user of
        ``exclude_users``; a lead without an agent left is unassigned. A lead without team
        takes Odoo's default team of the current user.

        :param exclude_users: ``res.users`` recordset, or ``None``
        :return: ``{lead: user}`` of the new salespersons (empty user when none)
        """
        excluded = frozenset(exclude_users.ids) if exclude_users else frozenset()
        return self._coka_assign_excluding([excluded] * len(self))

    def _coka_assign_excluding(self, excluded):
        """:meth:`_coka_assign` with one collection of excluded user ids per lead."""
        leads = self.sudo()
        default_teams = {}
        teams = {
            lead: lead.team_id or self._coka_default_team(lead.type, default_teams)
            for lead in leads
        }
        picks = self._coka_pick_agents(
            [(teams[lead].id, False, skip) for lead, skip in zip(leads, excluded, strict=True)]
        )
        by_user = defaultdict(list)
        for lead, user_id in zip(leads, picks, strict=True):
            by_user[(user_id, teams[lead].id if user_id else False)].append(lead.id)
        for (user_id, team_id), lead_ids in by_user.items():
            vals = {"user_id": user_id}
            if team_id:
                vals["team_id"] = team_id
            leads.browse(lead_ids).write(vals)
        Users = self.env["res.users"]
        return {
            lead.with_env(self.env): Users.browse(user_id or [])
            for lead, user_id in zip(leads, picks, strict=True)
        }

    def action_coka_unassign(self):
        """Unassign (SPEC LEAD-3, seed 003): each selected lead goes at once to another agent
        of its team who is ON, in round robin, never to its previous salesperson; without
        one it stays unassigned for a manager. Logged on each lead's chatter.

        Anyone who may edit the leads may do it (an agent on his own leads): the handover
        itself runs as superuser, since the lead then belongs to someone else.

        :return: a notification action (the view reloads)
        """
        self.check_access("write")
        leads = self.sudo()
        previous = {lead.id: lead.user_id for lead in leads}
        given = leads._coka_assign_excluding([frozenset(lead.user_id.ids) for lead in leads])
        bodies = {}
        for lead, agent in given.items():
            before = previous[lead.id].name or self.env._("nobody")
            if agent:
                bodies[lead.id] = self.env._(
                    "Unassigned from %(previous)s by %(user)s: now assigned to %(agent)s.",
                    previous=before,
                    user=self.env.user.name,
                    agent=agent.name,
                )
            else:
                bodies[lead.id] = self.env._(
                    "Unassigned from %(previous)s by %(user)s: no other agent of the team is "
                    "ON, the lead waits for a manager.",
                    previous=before,
                    user=self.env.user.name,
                )
        leads._message_log_batch(bodies=bodies, author_id=self.env.user.partner_id.id)
        done = [agent for agent in given.values() if agent]
        return self._coka_assignment_notification(
            self.env._(
                "%(done)s of %(count)s leads handed to another agent.",
                done=len(done),
                count=len(self),
            ),
            "success" if len(done) == len(self) else "warning",
        )

    def _coka_assign_to(self, agent):
        """Assign to (SPEC LEAD-3, Managers): give the leads to ``agent``, logged on their
        chatter. Odoo moves a lead to the agent's team when he is not in its team.

        :param agent: ``res.users``, an agent
        :raise AccessError: for a user who is not a Manager
        :raise UserError: when ``agent`` is not an agent
        """
        if not self.env.user.has_group("coka_pbx.group_manager"):
            raise AccessError(self.env._("Only Managers can assign leads to an agent."))
        if not agent.has_group("coka_pbx.group_agent"):
            raise UserError(self.env._("%(user)s is not an agent.", user=agent.name))
        leads = self.sudo()
        bodies = {
            lead.id: self.env._(
                "Assigned to %(agent)s by %(user)s (previously %(previous)s).",
                agent=agent.name,
                user=self.env.user.name,
                previous=lead.user_id.name or self.env._("nobody"),
            )
            for lead in leads
        }
        leads.write({"user_id": agent.id})
        leads._message_log_batch(bodies=bodies, author_id=self.env.user.partner_id.id)

    def _coka_assignment_notification(self, message, kind):
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": kind,
                "message": message,
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    # The contact's source and timeline (SPEC CON-4, CON-6) -------------------------------

    def _prepare_customer_values(self, partner_name, is_company=False, parent_id=False):
        """A contact made from a lead (Convert, Create deal, the lead's customer) takes its
        source from the lead's funnel (``tools.source``)."""
        values = super()._prepare_customer_values(
            partner_name, is_company=is_company, parent_id=parent_id
        )
        values["coka_source"] = source.contact_source(self.source_id.name)
        return values

    def write(self, vals):
        if not vals.get("partner_id"):
            return super().write(vals)
        before = {lead.id: lead.partner_id.id for lead in self}
        result = super().write(vals)
        self.filtered(lambda lead: lead.partner_id.id != before[lead.id])._coka_log_on_contacts(
            created=False
        )
        return result

    def _coka_log_on_contacts(self, created):
        """Log the leads on their contacts' chatter, in one batch (``res.partner
        ._coka_log_timeline``): a new lead, or a lead given a contact."""
        leads = self.filtered("partner_id")
        if not leads:
            return
        types = dict(self._fields["type"]._description_selection(self.env))
        author = self.env.user.partner_id.id
        entries = []
        for lead in leads:
            values = {
                "type": types.get(lead.type, ""),
                "name": lead.name,
                "user": lead.user_id.name or self.env._("nobody"),
            }
            if created:
                text = self.env._("%(type)s %(name)s created (salesperson: %(user)s).", **values)
            else:
                text = self.env._(
                    "%(type)s %(name)s linked to this contact (salesperson: %(user)s).", **values
                )
            entries.append((lead.partner_id.id, text, author))
        self.env["res.partner"]._coka_log_timeline(entries)
