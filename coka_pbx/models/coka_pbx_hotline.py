from psycopg2 import sql

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..tools import phone, routing


class CokaPbxHotline(models.Model):
    """A hotline ("đầu số") of the company and its ring group (SPEC PBX-1)."""

    _name = "coka.pbx.hotline"
    _description = "Hotline"
    _order = "sequence, id"
    _rec_name = "display_number"

    sequence = fields.Integer(default=10)
    number = fields.Char(required=True, help="The number as it is written, e.g. 028 7300 1234.")
    number_e164 = fields.Char(
        string="E.164 Number", compute="_compute_number_e164", store=True, index=True
    )
    display_number = fields.Char(compute="_compute_number_e164", store=True)
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
    ring_timeout = fields.Integer(
        string="Ring Timeout (s)", default=20, help="Seconds each target rings."
    )
    too_long_minutes = fields.Integer(
        string="Too Long After (min)",
        default=10,
        help="Calls whose talk time is over this many minutes are flagged as too long.",
    )
    is_default = fields.Boolean(string="Default Hotline")
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
            "too_long_minutes_positive",
            "CHECK(too_long_minutes >= 0)",
            "The 'too long' threshold cannot be negative.",
        ),
    ]

    @api.depends("number")
    def _compute_number_e164(self):
        for hotline in self:
            hotline.number_e164 = phone.to_e164(hotline.number)
            hotline.display_number = phone.to_display(hotline.number)

    @api.constrains("number")
    def _check_number(self):
        for hotline in self:
            if not hotline.number_e164:
                raise ValidationError(
                    self.env._(
                        "The hotline number %(number)s is not a valid phone number.",
                        number=hotline.number,
                    )
                )

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
        for hotline in hotlines:
            hotline._coka_turn_sequence(create=True)
        return hotlines

    # Routing (SPEC PBX-7) ---------------------------------------------------------------

    @api.model
    def _coka_find(self, company, number):
        """:return: the active hotline of ``company`` whose number is ``number``"""
        key = phone.to_e164(number)
        if not key:
            return self.browse()
        return self.search([("number_e164", "=", key), ("company_id", "=", company.id)], limit=1)

    def _coka_turn_sequence(self, create=False):
        """Name of the PostgreSQL sequence that rotates round-robin calls of this hotline."""
        name = f"coka_pbx_hotline_turn_{self.id}"
        if create:
            self.env.cr.execute(
                sql.SQL("CREATE SEQUENCE IF NOT EXISTS {}").format(sql.Identifier(name))
            )
        return name

    def _coka_next_turn(self):
        """Next round-robin turn: a database sequence, safe across workers (SPEC RUN-6)."""
        name = self._coka_turn_sequence()
        self.env.cr.execute(
            "SELECT CASE WHEN to_regclass(%s) IS NULL THEN NULL ELSE nextval(%s) END",
            [name, name],
        )
        turn = self.env.cr.fetchone()[0]
        if turn is None:
            self._coka_turn_sequence(create=True)
            self.env.cr.execute("SELECT nextval(%s)", [name])
            turn = self.env.cr.fetchone()[0]
        return turn - 1

    def _coka_sticky_extension(self, customer_e164):
        """The extension that should ring first for this customer (SPEC STK), or nothing.

        Hook: the sticky-agent rule overrides it.

        :param str customer_e164: the caller's E.164 number
        :return: a ``coka.pbx.extension`` record, possibly empty
        """
        self.ensure_one()
        return self.env["coka.pbx.extension"]

    def _coka_route(self, customer_e164):
        """The extensions to ring for a call to this hotline, in order.

        :param str customer_e164: the caller's E.164 number, or ``None`` when hidden
        :return: dict with ``targets`` and ``strategy``
        """
        self.ensure_one()
        members = self.ring_member_ids
        routable = members.extension_id._coka_filter_routable()
        group = [
            {
                "number": member.extension_id.number,
                "sequence": member.sequence,
                "idle_since": member.extension_id.last_call_end,
            }
            for member in members
            if member.extension_id in routable
        ]
        turn = self._coka_next_turn() if group and self.ring_strategy == "round_robin" else 0
        ordered = routing.order_group(group, self.ring_strategy, turn)
        sticky = self.env["coka.pbx.extension"]
        if customer_e164:
            sticky = self._coka_sticky_extension(customer_e164)._coka_filter_routable()[:1]
        return {
            "targets": routing.targets(sticky.number or None, ordered, self.ring_timeout),
            "strategy": self.ring_strategy,
        }
