from datetime import datetime

from odoo import api, fields, models, tools
from odoo.exceptions import ValidationError
from odoo.tools import SQL

from ..tools import autocommit, phone, routing, sticky, sticky_import


class CokaPbxHotline(models.Model):
    """A hotline ("đầu số") of the company and its ring group (SPEC PBX-1)."""

    _name = "coka.pbx.hotline"
    _inherit = ["coka.phone.mixin", "coka.pbx.routing.cache"]
    _description = "Hotline"
    _coka_phone_strict = True
    _order = "sequence, id"
    _rec_name = "display_number"
    # What _coka_route_setup caches (number_e164 is computed from number).
    _coka_routing_fields = frozenset(
        {
            "number",
            "number_e164",
            "company_id",
            "active",
            "ring_strategy",
            "ring_timeout",
            "sticky_mode",
            "sticky_ttl_days",
            "ring_member_ids",
            "round_robin_sequence_id",
        }
    )

    sequence = fields.Integer(default=10)
    number = fields.Char(
        help="The number as it is written, e.g. 028 7300 1234. Empty only on the default "
        "hotline a company gets when it is created, until its number is assigned."
    )
    number_e164 = fields.Char(
        string="E.164 Number",
        compute="_compute_coka_phone_keys",
        store=True,
        index=True,
        precompute=True,
    )
    display_number = fields.Char(compute="_compute_display_number", store=True)
    provider_id = fields.Many2one("coka.pbx.provider", ondelete="restrict")
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    ring_member_ids = fields.One2many(
        "coka.pbx.ring.member", "hotline_id", string="Ring Group", copy=True
    )
    ring_strategy = fields.Selection(
        [
            ("ring_all", "Ring all"),
            ("sequential", "Sequential"),
            ("round_robin", "Round robin"),
            ("longest_idle", "Longest idle"),
        ],
        required=True,
        default="ring_all",
    )
    round_robin_sequence_id = fields.Many2one(
        "ir.sequence",
        readonly=True,
        copy=False,
        ondelete="restrict",
        help="The PostgreSQL sequence that turns the ring group of a round-robin hotline, "
        "created with the hotline (or when it becomes round robin) and deleted with it.",
    )
    ring_timeout = fields.Integer(
        string="Ring Timeout (s)", default=20, help="Seconds each target rings."
    )
    too_long_minutes = fields.Integer(
        string="Too Long After (min)",
        default=10,
        help="Calls whose talk time is over this many minutes are flagged as too long.",
    )
    is_default = fields.Boolean(string="Default Hotline")
    sticky_mode = fields.Selection(
        [("first", "First agent"), ("last", "Last agent"), ("stop", "Stop")],
        required=True,
        default="first",
        help="First agent: a number stays with the first agent who spoke with it. "
        "Last agent: it moves to the latest one. Stop: the sticky rule is off for this "
        "hotline (nothing is remembered, rules do not route).",
    )
    sticky_auto_remember = fields.Boolean(
        string="Remember Calls Automatically",
        default=True,
        help="Answered calls remember their agent for the customer's number. Off: calls are "
        "not remembered, but existing and manual rules still route.",
    )
    sticky_remember_unanswered_outbound = fields.Boolean(
        string="Remember Unanswered Outbound Calls",
        help="Also remember an agent's outbound call the customer did not answer.",
    )
    sticky_ttl_days = fields.Integer(
        string="Rule Lifetime (days)",
        help="A rule whose last call is older than this does not route and is archived "
        "by a daily job. 0: rules never expire.",
    )
    sticky_rule_ids = fields.One2many("coka.pbx.sticky.rule", "hotline_id", string="Sticky Rules")
    sticky_rule_count = fields.Integer(compute="_compute_sticky_rule_count")
    extension_ids = fields.One2many("coka.pbx.extension", "hotline_id")
    active = fields.Boolean(default=True)

    _sql_constraints = [
        (
            "number_company_uniq",
            "unique(number_e164, company_id)",
            "This hotline number already exists in the company.",
        ),
        ("ring_timeout_positive", "CHECK(ring_timeout > 0)", "The ring timeout must be positive."),
        (
            "sticky_ttl_days_positive",
            "CHECK(sticky_ttl_days >= 0)",
            "The rule lifetime cannot be negative.",
        ),
        (
            "too_long_minutes_positive",
            "CHECK(too_long_minutes >= 0)",
            "The 'too long' threshold cannot be negative.",
        ),
    ]

    def _coka_phone_fields(self):
        return {"number": "number_e164"}

    @api.depends("display_number")
    def _compute_display_name(self):
        for hotline in self:
            hotline.display_name = hotline.display_number or self.env._(
                "Default hotline (number not assigned yet)"
            )

    @api.constrains("number", "is_default")
    def _check_number(self):
        for hotline in self:
            if not hotline.number and not hotline.is_default:
                raise ValidationError(
                    self.env._("Only the company's default hotline can wait for its number.")
                )

    @api.depends("number")
    def _compute_display_number(self):
        for hotline in self:
            hotline.display_number = phone.to_display(hotline.number)

    @api.constrains("is_default", "company_id", "active")
    def _check_one_default(self):
        companies = self.filtered("is_default").company_id
        if not companies:
            return
        counts = dict(
            self._read_group(
                [("is_default", "=", True), ("company_id", "in", companies.ids)],
                ["company_id"],
                ["__count"],
            )
        )
        for company, count in counts.items():
            if count > 1:
                raise ValidationError(
                    self.env._(
                        "The company %(company)s already has a default hotline.",
                        company=company.display_name,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        hotlines = super().create(vals_list)
        hotlines._coka_ensure_round_robin_sequence()
        return hotlines

    def write(self, vals):
        result = super().write(vals)
        if vals.get("ring_strategy") == "round_robin":
            self._coka_ensure_round_robin_sequence()
        return result

    def unlink(self):
        sequences = self.round_robin_sequence_id
        result = super().unlink()
        # sudo: the sequence belongs to the hotline, whoever may delete the hotline.
        sequences.sudo().unlink()
        return result

    # Routing (SPEC PBX-7) ---------------------------------------------------------------

    # What the webhook reads of the call's hotline, in the statement that finds it (PERF-2).
    WEBHOOK_FIELDS = (
        "too_long_minutes",
        "sticky_mode",
        "sticky_auto_remember",
        "sticky_remember_unanswered_outbound",
    )

    @api.model
    def _coka_find_query(self, company, key):
        """The statement that finds the active hotline of ``company`` numbered ``key``
        (E.164): one row, ``json_build_array(id, *WEBHOOK_FIELDS)``, or none.

        The webhook runs it inside the statement that locks the call (PERF-2); read its
        value with :meth:`_coka_from_row`.
        """
        self.flush_model(["number_e164", "company_id", "active", "sequence", *self.WEBHOOK_FIELDS])
        return SQL(
            """
            SELECT json_build_array(id, %s) FROM coka_pbx_hotline
             WHERE number_e164 = %s AND company_id = %s AND active
             ORDER BY sequence, id LIMIT 1
            """,
            SQL(", ").join(SQL.identifier(name) for name in self.WEBHOOK_FIELDS),
            key,
            company.id,
        )

    @api.model
    def _coka_from_row(self, row):
        """The hotline of a :meth:`_coka_find_query` row, its webhook fields in the cache.

        :param list row: ``[id, *WEBHOOK_FIELDS]``, or ``None``
        """
        if not row:
            return self.browse()
        hotline = self.browse(row[0])
        hotline._update_cache(dict(zip(self.WEBHOOK_FIELDS, row[1:], strict=True)), validate=False)
        return hotline

    @api.model
    def _coka_find(self, company, number):
        """:return: the active hotline of ``company`` whose number is ``number``, with the
        settings the webhook reads next in the cache"""
        key = phone.to_e164(number)
        if not key:
            return self.browse()
        rows = self.env.execute_query(self._coka_find_query(company, key))
        return self._coka_from_row(rows[0][0] if rows else None)

    def _coka_ensure_round_robin_sequence(self):
        """Give each round-robin hotline of ``self`` that has none its ``ir.sequence``
        (standard implementation: a PostgreSQL sequence that Odoo creates and drops, safe
        across workers, SPEC RUN-6). Also run when the module is updated, for hotlines made
        before the field existed."""
        hotlines = self.filtered(
            lambda hotline: (
                hotline.ring_strategy == "round_robin" and not hotline.round_robin_sequence_id
            )
        )
        if not hotlines:
            return
        # sudo: Call Center Managers create hotlines, not sequences.
        sequences = (
            self.env["ir.sequence"]
            .sudo()
            .create(
                [
                    {
                        "name": self.env._(
                            "Round robin of hotline %(hotline)s", hotline=hotline.display_number
                        ),
                        "implementation": "standard",
                        "company_id": hotline.company_id.id,
                    }
                    for hotline in hotlines
                ]
            )
        )
        for hotline, sequence in zip(hotlines, sequences, strict=True):
            hotline.round_robin_sequence_id = sequence

    @api.model
    def _coka_ensure_round_robin_sequences(self):
        """Module update: the round-robin hotlines get their sequence."""
        self.with_context(active_test=False).search(
            [("ring_strategy", "=", "round_robin"), ("round_robin_sequence_id", "=", False)]
        )._coka_ensure_round_robin_sequence()

    def _compute_sticky_rule_count(self):
        counts = dict(
            self.env["coka.pbx.sticky.rule"]._read_group(
                [("hotline_id", "in", self.ids)], ["hotline_id"], ["__count"]
            )
        )
        for hotline in self:
            hotline.sticky_rule_count = counts.get(hotline, 0)

    STICKY_RULE_FIELDS = ("extension_id", "source", "active", "last_call_date")

    @api.model
    def _coka_sticky_rule_query(self, hotline_id, customer_e164):
        """The statement that reads the sticky rule of a number on a hotline (archived ones
        too; one rule per number): one row, ``json_build_array(id, *STICKY_RULE_FIELDS)``,
        or none. ``hotline_id`` may be an SQL expression. The webhook runs it inside the
        statement that locks the call (PERF-2)."""
        Rule = self.env["coka.pbx.sticky.rule"]
        Rule.flush_model(["hotline_id", "phone_e164", *self.STICKY_RULE_FIELDS])
        return SQL(
            "SELECT json_build_array(id, %s) FROM coka_pbx_sticky_rule"
            " WHERE hotline_id = %s AND phone_e164 = %s",
            SQL(", ").join(SQL.identifier(name) for name in self.STICKY_RULE_FIELDS),
            hotline_id,
            customer_e164,
        )

    def _coka_sticky_remember(
        self, customer_e164, extension, call_date, rule_row=False, touches=None
    ):
        """Apply a finished, rememberable call to this hotline's rules (SPEC STK-2, STK-3).

        :param str customer_e164: the customer's number
        :param extension: the ``coka.pbx.extension`` of the call
        :param datetime call_date: when the call ended
        :param list rule_row: the rule as :meth:`_coka_sticky_rule_query` reads it, ``None``
            when there is none, ``False`` when not read yet
        :param list touches: given, a touch is added to it (``(rule id, call date)``) for
            :meth:`_coka_sticky_touch`; otherwise it is written now
        :return: the action taken (``tools.sticky``), or ``None``
        """
        self.ensure_one()
        Rule = self.env["coka.pbx.sticky.rule"].with_context(active_test=False)
        if rule_row is False:
            # Every completed call asks (PERF-2): one plain statement; one rule per number.
            rows = self.env.execute_query(self._coka_sticky_rule_query(self.id, customer_e164))
            rule_row = rows[0][0] if rows else None
        names = self.STICKY_RULE_FIELDS
        rule = Rule.browse(rule_row[0]) if rule_row else Rule
        facts = dict(zip(names, rule_row[1:], strict=True)) if rule_row else None
        last_call_date = facts.pop("last_call_date") if facts else None
        if isinstance(last_call_date, str):
            last_call_date = datetime.fromisoformat(last_call_date)  # as json renders it
        action = sticky.decide(self.sticky_mode, self.sticky_auto_remember, facts, extension.id)
        if action == sticky.CREATE and rule:
            # An archived (expired) rule starts afresh with this call's agent.
            rule.write(
                {
                    "extension_id": extension.id,
                    "source": "auto",
                    "active": True,
                    "last_call_date": call_date,
                }
            )
        elif action == sticky.CREATE:
            Rule.create(
                {
                    "hotline_id": self.id,
                    "phone": phone.to_display(customer_e164),
                    "extension_id": extension.id,
                    "source": "auto",
                    "last_call_date": call_date,
                }
            )
        elif action == sticky.MOVE:
            rule.write({"extension_id": extension.id, "last_call_date": call_date})
        elif action == sticky.TOUCH and (not last_call_date or last_call_date < call_date):
            if touches is None:
                self._coka_sticky_touch([(rule.id, call_date)])
            else:
                touches.append((rule.id, call_date))
        return action

    @api.model
    def _coka_sticky_touch(self, touches):
        """Move the last call date of sticky rules forward, one statement without the
        ORM's write: a touch per completed call (PERF-2).

        :param list touches: ``(rule id, call date)``; a rule's latest date wins
        """
        if not touches:
            return
        self.env.cr.execute(
            SQL(
                """
                UPDATE coka_pbx_sticky_rule r
                   SET last_call_date = t.call_date, write_uid = %s,
                       write_date = now() at time zone 'UTC'
                  FROM (SELECT id, max(call_date) AS call_date
                          FROM (VALUES %s) AS v(id, call_date) GROUP BY id) AS t
                 WHERE r.id = t.id
                   AND (r.last_call_date IS NULL OR r.last_call_date < t.call_date)
                """,
                self.env.uid,
                SQL(", ").join(
                    SQL("(%s, %s::timestamp)", rule_id, call_date) for rule_id, call_date in touches
                ),
            )
        )
        rules = self.env["coka.pbx.sticky.rule"].browse([rule_id for rule_id, _date in touches])
        rules.invalidate_recordset(["last_call_date", "write_uid", "write_date"])

    def action_coka_sticky_import(self):
        """Open the import of the priority list (SPEC STK-5)."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Import Sticky Rules"),
            "res_model": "coka.pbx.sticky.import",
            "view_mode": "form",
            "target": "new",
            "context": {"default_hotline_id": self.id},
        }

    def action_coka_sticky_export(self):
        """Download the priority list in the template's format."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_url",
            "url": f"/coka_pbx/sticky/export/{self.id}",
            "target": "self",
        }

    def _coka_sticky_export(self):
        """The hotline's active rules as an .xlsx in the import template's format.

        Read through the ORM as the current user, so access rights and record rules hold on
        the hotline and on each of its rules.
        """
        self.ensure_one()
        self.check_access("read")
        rules = self.env["coka.pbx.sticky.rule"].search_fetch(
            [("hotline_id", "=", self.id)], ["phone", "extension_id"], order="id"
        )
        numbers = {extension.id: extension.number for extension in rules.extension_id}
        return sticky_import.template(
            [(rule.phone, numbers[rule.extension_id.id]) for rule in rules]
        )

    def action_coka_sticky_rules(self):
        """The priority list of this hotline ("Sửa", SPEC STK-4)."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "coka_pbx.coka_pbx_sticky_rule_action"
        )
        action["domain"] = [("hotline_id", "=", self.id)]
        action["context"] = {"default_hotline_id": self.id}
        action["display_name"] = self.env._(
            "Sticky rules of %(hotline)s", hotline=self.display_number
        )
        return action

    def _coka_route(self, customer_e164):
        """The extensions to ring for a call to this hotline, in order.

        :param str customer_e164: the caller's E.164 number, or ``None`` when hidden
        :return: dict with ``targets`` and ``strategy``
        """
        self.ensure_one()
        return self._coka_route_number(self.company_id.id, self.number_e164, customer_e164)

    @api.model
    @tools.ormcache("company_id", "number_e164")
    def _coka_route_setup(self, company_id, number_e164):
        """What routing needs of a hotline that only a manager changes, cached per worker
        (cleared in every worker when a routing field of a hotline or of a ring group
        member changes: ``coka.pbx.routing.cache``).

        :return: ``(hotline id, strategy, ring timeout, sticky mode, sticky TTL days,
            ((extension id, sequence), ...), round-robin sequence name)`` in ring-group
            order, or ``None``
        """
        if not number_e164:
            return None  # a number that is not valid, or the default hotline waiting for one
        hotline = self.sudo().search(
            [
                ("number_e164", "=", number_e164),
                ("company_id", "=", company_id),
                ("active", "=", True),
            ],
            limit=1,
        )
        if not hotline:
            return None
        return (
            hotline.id,
            hotline.ring_strategy,
            hotline.ring_timeout,
            hotline.sticky_mode,
            hotline.sticky_ttl_days,
            tuple((member.extension_id.id, member.sequence) for member in hotline.ring_member_ids),
            f"ir_sequence_{hotline.round_robin_sequence_id.id:03d}"
            if hotline.round_robin_sequence_id
            else None,
        )

    @api.model
    def _coka_read_alone(self, query):
        """Run one statement that writes nothing transactional, in a transaction of its own
        when the request has not started one: one round trip to PostgreSQL instead of three
        (``BEGIN``, the statement, ``COMMIT``), most of a routing answer's cost (PERF-1).
        Inside a started transaction (tests, a form) it runs there as usual.

        The session characteristics Odoo sets on its cursors (repeatable read, read/write) go
        to the server's defaults for that statement: psycopg2 would otherwise send a ``SET``
        on each switch, two more round trips; one statement sees one snapshot at any level.
        They are put back before returning.

        :param SQL query: a read-only statement (``nextval`` allowed: it is not transactional)
        :return: the rows
        """
        self.env.flush_all()
        with autocommit.alone(self.env.cr):
            return self.env.execute_query(query)

    @api.model
    def _coka_route_number(self, company_id, number_e164, customer_e164):
        """Answer a routing request (SPEC PBX-7, PERF-1).

        The hotline's settings and ring group come from :meth:`_coka_route_setup`; what
        changes from call to call (the round-robin turn, the customer's sticky rule, which
        agents are routable now and since when they are idle) comes from one small query.
        The order is decided in ``tools.routing`` and ``tools.sticky``.

        :param int company_id: the provider's company
        :param str number_e164: the hotline called
        :param str customer_e164: the caller, or ``None`` when hidden
        :return: dict with ``targets`` and ``strategy``, or ``None`` for an unknown hotline
        """
        setup = self._coka_route_setup(company_id, number_e164)
        if setup is None:
            return None
        hotline_id, strategy, timeout, mode, ttl_days, members, turn_sequence = setup
        rule_sql = SQL("NULL")
        if customer_e164:
            rule_sql = SQL(
                """(SELECT json_build_array(r.extension_id,
                                            COALESCE(r.last_call_date, r.write_date))
                      FROM coka_pbx_sticky_rule r
                     WHERE r.hotline_id = %s AND r.phone_e164 = %s AND r.active)""",
                hotline_id,
                customer_e164,
            )
        turn_sql = SQL("NULL")
        if strategy == "round_robin" and turn_sequence:
            # The sequence Odoo made for the hotline (ir.sequence, standard implementation).
            turn_sql = SQL("nextval(%s)", turn_sequence)
        [(turn, rule, routable)] = self._coka_read_alone(
            SQL(
                """
                SELECT %(turn)s, %(rule)s,
                       (SELECT json_object_agg(e.id, json_build_array(e.number, e.last_call_end))
                          FROM coka_pbx_extension e
                         WHERE e.company_id = %(company)s AND %(routable)s)
                """,
                turn=turn_sql,
                rule=rule_sql,
                company=company_id,
                routable=self.env["coka.pbx.extension"]._coka_routable_sql(),
            )
        )
        routable = routable or {}
        group = [
            {
                "number": routable[str(extension_id)][0],
                "sequence": sequence,
                "idle_since": routable[str(extension_id)][1],
            }
            for extension_id, sequence in members
            if str(extension_id) in routable
        ]
        turn = (turn or 1) - 1
        sticky_number = None
        if rule and str(rule[0]) in routable:
            facts = {"last_date": datetime.fromisoformat(rule[1])}
            if sticky.routes(mode, facts, ttl_days, fields.Datetime.now()):
                sticky_number = routable[str(rule[0])][0]
        ordered = routing.order_group(group, strategy, turn)
        return {"targets": routing.targets(sticky_number, ordered, timeout), "strategy": strategy}
