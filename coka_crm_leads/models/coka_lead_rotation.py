from odoo import fields, models, modules
from odoo.tools import SQL


class CokaLeadRotation(models.Model):
    """The round-robin pointer of a sales team's instant lead assignment (SPEC LEAD-2): the
    agent who got the team's last lead by rotation.

    Not a column of ``crm_team``: every new lead of the team references the team's row (its
    foreign key), and in Odoo's REPEATABLE READ requests a lead inserted while another request
    moved the pointer on that row fails to serialise. The pointer is turned by
    :meth:`_coka_turn` in a short READ COMMITTED transaction of its own instead: concurrent
    requests of one team wait for each other's turn only, read the pointer the other
    committed, and never conflict (with every request of a busy team conflicting, Odoo's five
    replays of a request run out: a 500). Plain integers, no foreign keys: the side
    transaction does not see a team or an agent created by the request itself.
    """

    _name = "coka.lead.rotation"
    _description = "Lead Rotation Pointer"
    _log_access = False

    team_ref = fields.Integer(string="Team ID", required=True, index=True)
    last_user_ref = fields.Integer(string="Last Assigned User ID")

    _sql_constraints = [
        ("team_ref_uniq", "unique(team_ref)", "One rotation pointer per team."),
    ]

    def _coka_turn(self, team_ids, turn):
        """Call ``turn(pointers)`` with the teams' pointers under their row lock and store
        the pointers it returns.

        Outside Odoo's own tests (one transaction, never committed) it runs in a transaction
        of its own, committed at once. Trade-off: a request that fails after its turn has
        moved the pointer without its lead (one agent's turn is skipped once).

        :param list team_ids: the teams, ascending (the order the rows are locked in)
        :param turn: ``{team_id: user_id or None} -> {team_id: new user_id}``
        """

        def run(cr):
            cr.execute(
                "INSERT INTO coka_lead_rotation (team_ref) SELECT unnest(%s::int[]) "
                "ON CONFLICT (team_ref) DO NOTHING",
                [list(team_ids)],
            )
            cr.execute(
                "SELECT team_ref, last_user_ref FROM coka_lead_rotation "
                "WHERE team_ref = ANY(%s) ORDER BY team_ref FOR UPDATE",
                [list(team_ids)],
            )
            updates = turn(dict(cr.fetchall()))
            if updates:
                cr.execute(
                    SQL(
                        "UPDATE coka_lead_rotation r SET last_user_ref = v.pointer "
                        "FROM (VALUES %s) AS v(team, pointer) WHERE r.team_ref = v.team",
                        SQL(", ").join(SQL("(%s, %s)", *item) for item in updates.items()),
                    )
                )

        if modules.module.current_test or self.env.registry.in_test_mode():
            self.flush_model()
            run(self.env.cr)
            self.invalidate_model()
        else:
            with self.env.registry.cursor() as cr:
                cr.execute("SET TRANSACTION ISOLATION LEVEL READ COMMITTED")
                run(cr)
        self.env["crm.team"].browse(team_ids).invalidate_recordset(["coka_assign_last_user_id"])
