import json
import select
import time
from unittest.mock import patch

import psycopg2

from odoo import sql_db
from odoo.tests import TransactionCase, tagged

from ..models import bus_bus
from ..models.bus_bus import NotifyConnection


def _listener():
    """A real connection listening on ``imbus`` in the ``postgres`` database, as Odoo's
    websocket dispatcher does."""
    _db, info = sql_db.connection_info_for("postgres")
    conn = psycopg2.connect(**info)
    conn.autocommit = True
    with conn.cursor() as cr:
        cr.execute("LISTEN imbus")
    return conn


def _received(conn, count, timeout=5.0):
    """The payloads the listener gets, until ``count`` of them or ``timeout`` seconds (each
    NOTIFY of the autocommit connection is a transaction of its own, delivered alone)."""
    payloads = []
    deadline = time.monotonic() + timeout
    while len(payloads) < count:
        left = deadline - time.monotonic()
        if left <= 0 or select.select([conn], [], [], left) == ([], [], []):
            break
        conn.poll()
        while conn.notifies:
            payloads.append(conn.notifies.pop(0).payload)
    return payloads


@tagged("post_install", "-at_install")
class TestNotifyConnection(TransactionCase):
    """PERF-2: the bus NOTIFY goes on one kept connection, not a new one per transaction."""

    def setUp(self):
        super().setUp()
        self.listener = _listener()
        self.addCleanup(self.listener.close)
        self.notifier = NotifyConnection()
        self.addCleanup(self.notifier.close)

    def test_payloads_reach_the_listener_on_one_connection(self):
        self.notifier.notify(['["db","a"]'])
        self.assertEqual(_received(self.listener, 1), ['["db","a"]'])
        self.notifier.notify(['["db","b"]', '["db","c"]'])
        self.assertEqual(_received(self.listener, 2), ['["db","b"]', '["db","c"]'])
        self.assertEqual(self.notifier.connections_opened, 1)

    def test_a_broken_connection_is_replaced_once(self):
        self.notifier.notify(['["db","first"]'])
        _received(self.listener, 1)
        pid = self.notifier._conn.get_backend_pid()
        with self.listener.cursor() as cr:
            cr.execute("SELECT pg_terminate_backend(%s)", [pid])
        self.notifier.notify(['["db","after"]'])
        self.assertEqual(_received(self.listener, 1), ['["db","after"]'])
        self.assertEqual(self.notifier.connections_opened, 2)

    def test_nothing_to_send_opens_nothing(self):
        self.notifier.notify([])
        self.assertEqual(self.notifier.connections_opened, 0)


@tagged("post_install", "-at_install")
class TestBusHooks(TransactionCase):
    """bus.bus keeps Odoo's notifications and sends their NOTIFY through the kept one."""

    def test_sendone_notifies_through_the_kept_connection(self):
        sent = []
        partner = self.env.user.partner_id
        with (
            patch.object(bus_bus.NOTIFIER, "notify", side_effect=sent.append),
            patch.object(
                sql_db, "db_connect", side_effect=AssertionError("no new connection to postgres")
            ),
        ):
            partner._bus_send("coka_pbx/test", {"n": 1})
            partner._bus_send("coka_pbx/test", {"n": 2})
            self.env.cr.precommit.run()
            self.env.cr.postcommit.run()
        rows = self.env["bus.bus"].sudo().search([("message", "like", "coka_pbx/test")])
        self.assertEqual(len(rows), 2, "Odoo's pre-commit hook still writes the notifications")
        [payloads] = sent
        [channels] = [json.loads(payload) for payload in payloads]
        self.assertEqual(channels, [[self.env.cr.dbname, "res.partner", partner.id]])
