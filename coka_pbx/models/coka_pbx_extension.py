from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL

from ..tools import autocommit


class CokaPbxExtension(models.Model):
    """An extension ("máy nhánh") of the PBX, used by one agent (SPEC PBX-2)."""

    _name = "coka.pbx.extension"
    _description = "Extension"
    _order = "number, id"
    _rec_names_search = ["number", "user_id"]

    number = fields.Char(required=True, help="Extension number dialled inside the PBX, e.g. 101.")
    user_id = fields.Many2one("res.users", string="Agent", index=True, ondelete="set null")
    hotline_id = fields.Many2one(
        "coka.pbx.hotline",
        string="Default Hotline",
        help="Hotline shown to customers when this agent calls out.",
    )
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    agent_status = fields.Selection(related="user_id.coka_agent_status")
    # A copy of the agent's state on the extension: routing reads one table (PERF-1).
    agent_on = fields.Boolean(
        string="Agent ON",
        compute="_compute_agent_on",
        store=True,
        help="The agent's user is active and his status is ON.",
    )
    last_call_end = fields.Datetime(
        readonly=True, help="End of the last call of this extension, for longest-idle routing."
    )
    active = fields.Boolean(default=True)

    _sql_constraints = [
        (
            "number_company_uniq",
            "unique(number, company_id)",
            "This extension number already exists in the company.",
        ),
    ]

    @api.depends("number", "user_id")
    def _compute_display_name(self):
        for extension in self:
            if extension.user_id:
                extension.display_name = f"{extension.number} - {extension.user_id.name}"
            else:
                extension.display_name = extension.number

    @api.depends("user_id.active", "user_id.coka_agent_status")
    def _compute_agent_on(self):
        for extension in self:
            user = extension.user_id
            extension.agent_on = bool(user.active and user.coka_agent_status == "on")

    @api.constrains("number")
    def _check_number(self):
        for extension in self:
            if not (extension.number or "").strip().isdigit():
                raise ValidationError(
                    self.env._(
                        "The extension number %(number)s must contain digits only.",
                        number=extension.number,
                    )
                )

    @api.model
    def _coka_routable_sql(self):
        """When an extension may ring or call now (SPEC PBX-2, PBX-7), as a SQL condition on
        the alias ``e`` (``coka_pbx_extension``) alone: what it needs of other tables is kept
        on the extension by stored computed fields, so routing reads one table (PERF-1).

        The one definition of routability: routing answers with it in a single query, and
        :meth:`_coka_filter_routable` uses it for recordsets. Hook: billing adds the seat check.

        :return: ``odoo.tools.SQL``
        """
        return SQL("e.active AND e.agent_on")

    def _coka_unroutable_reason(self):
        """Why these extensions may not call now, beyond the agent's status; hook for
        modules that add conditions to :meth:`_coka_routable_sql` (billing: the package).

        :return: a translated message, or ``None`` for the generic one
        """
        return None

    def _coka_filter_routable(self):
        """The extensions of ``self`` that may ring or call now.

        :return: a subset of ``self``
        """
        if not self:
            return self
        self.env.flush_all()
        rows = self.env.execute_query(
            SQL(
                "SELECT e.id FROM coka_pbx_extension e WHERE e.id IN %s AND %s",
                tuple(self.ids),
                self._coka_routable_sql(),
            )
        )
        routable = {row[0] for row in rows}
        return self.filtered(lambda extension: extension.id in routable)

    def _coka_note_call_end(self, moment):
        """Move ``last_call_end`` forward to ``moment`` once the transaction commits.

        The idle time of an agent is a running maximum nothing in the transaction reads
        back. Written inside the request's transaction (repeatable read), two calls of one
        agent ending together would update the same row: one would fail with a
        serialisation error and Odoo would replay the whole request after a random sleep
        (PERF-2). After the commit, it is one statement of its own at PostgreSQL's default
        level (read committed): the second waits for the first, then keeps the later end.
        Tests run ``cr.postcommit`` themselves.

        :param datetime moment: when the call ended
        """
        self.ensure_one()
        extension, cr = self, self.env.cr
        query = SQL(
            """
            UPDATE coka_pbx_extension SET last_call_end = %(moment)s
             WHERE id = %(id)s AND (last_call_end IS NULL OR last_call_end < %(moment)s)
            """,
            moment=moment,
            id=self.id,
        )

        @cr.postcommit.add
        def note_call_end():
            with autocommit.alone(cr) as alone:
                cr.execute(query)
            if not alone:
                extension.invalidate_recordset(["last_call_end"])

    @api.model
    def _coka_transfer_targets(self):
        """The company's other active extensions a call can be transferred to, with their
        agent's name and status, for the call panel (SPEC PBX-8).

        :return: list of dicts ``number``, ``agent``, ``status``
        """
        extensions = self.search(
            [
                ("company_id", "=", self.env.company.id),
                ("user_id", "!=", self.env.uid),
            ],
            order="number",
        )
        return [
            {
                "number": extension.number,
                "agent": extension.user_id.name or "",
                "status": extension.user_id.coka_agent_status or "off",
            }
            for extension in extensions
        ]
