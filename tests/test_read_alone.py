"""PERF-1: the routing statement runs alone (one round trip) on a fresh request cursor, and
leaves the connection as Odoo expects it (no autocommit, repeatable read)."""

import odoo
from odoo import SUPERUSER_ID, api
from odoo.tools import SQL

STATEMENT = SQL("SELECT current_setting('transaction_isolation'), now() = statement_timestamp()")


def _registry():
    return odoo.modules.registry.Registry(odoo.tools.config["db_name"])


def test_a_fresh_cursor_runs_the_statement_alone_and_is_given_back_unchanged():
    with _registry().cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        [(isolation, alone)] = env["coka.pbx.hotline"]._coka_read_alone(STATEMENT)
        # Outside a transaction block: the server's default level, its own transaction.
        assert (isolation, alone) == ("read committed", True)
        assert (cr._cnx.autocommit, cr._cnx.readonly) == (False, False)
        cr.execute(
            "SELECT current_setting('transaction_isolation'), "
            "current_setting('transaction_read_only')"
        )
        assert cr.fetchone() == ("repeatable read", "off")


def test_inside_a_started_transaction_the_statement_runs_there():
    with _registry().cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        cr.execute("SELECT 1")
        [(isolation, _alone)] = env["coka.pbx.hotline"]._coka_read_alone(STATEMENT)
        assert isolation == "repeatable read"
