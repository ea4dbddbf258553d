"""Odoo's bus, with its ``NOTIFY imbus`` sent on one kept connection per process (PERF-2).

Odoo sends the NOTIFY that wakes the websocket dispatcher after each transaction that
sent bus notifications, on a cursor of the ``postgres`` database; Odoo's connection pool
never keeps connections to that database, so every such transaction opened a new
PostgreSQL connection (a backend fork and an authentication: 12-20 ms measured per
completed-call webhook, more than the rest of the request). Here the NOTIFY goes on one
connection per process, opened on first use and kept, and the notifications are written in
``bus_bus`` by one plain statement.
"""

import logging
import os
import threading
import time

import psycopg2
from psycopg2 import sql

from odoo import models, sql_db
from odoo.tools import SQL
from odoo.tools.misc import OrderedSet

from odoo.addons.bus.models.bus import ODOO_NOTIFY_FUNCTION, get_notify_payloads

_logger = logging.getLogger(__name__)

# As Odoo's pool: a connection unused this long is closed and opened anew at the next use.
IDLE_SECONDS = 10 * 60


class NotifyConnection:
    """One autocommit connection to the ``postgres`` database for ``NOTIFY imbus``.

    Thread-safe (threaded server, cron threads); a process forked after it was opened
    (prefork workers) opens its own. A connection that broke (server restart, idle
    timeout on the server side) is replaced once per call.
    """

    def __init__(self, dbname="postgres"):
        self.dbname = dbname
        self._lock = threading.Lock()
        self._conn = None
        self._pid = None
        self._last_used = 0.0
        self.connections_opened = 0

    def _connect(self):
        _dbname, info = sql_db.connection_info_for(self.dbname)
        conn = psycopg2.connect(**info)
        conn.autocommit = True
        self.connections_opened += 1
        return conn

    def _current(self):
        stale = time.monotonic() - self._last_used > IDLE_SECONDS
        if self._conn is None or self._conn.closed or self._pid != os.getpid() or stale:
            if self._conn is not None and self._pid == os.getpid() and not self._conn.closed:
                self._conn.close()
            self._conn = self._connect()
            self._pid = os.getpid()
        return self._conn

    def close(self):
        with self._lock:
            if self._conn is not None and self._pid == os.getpid() and not self._conn.closed:
                self._conn.close()
            self._conn = None

    def notify(self, payloads):
        """Send each payload with ``pg_notify('imbus', payload)`` (or Odoo's
        ``ODOO_NOTIFY_FUNCTION``), retrying once on a new connection if the kept one broke."""
        if not payloads:
            return
        query = sql.SQL("SELECT {}('imbus', %s)").format(sql.Identifier(ODOO_NOTIFY_FUNCTION))
        with self._lock:
            for attempt in (1, 2):
                try:
                    with self._current().cursor() as cr:
                        for payload in payloads:
                            cr.execute(query, [payload])
                    self._last_used = time.monotonic()
                    return
                except (psycopg2.OperationalError, psycopg2.InterfaceError):
                    if self._conn is not None and not self._conn.closed:
                        self._conn.close()
                    self._conn = None
                    if attempt == 2:
                        raise


NOTIFIER = NotifyConnection()


class BusBus(models.Model):
    _inherit = "bus.bus"

    def _ensure_hooks(self):
        """Odoo's two hooks, each in one statement: before the commit, the notifications
        inserted in ``bus_bus`` by one plain ``INSERT`` (the ORM's create would first ask
        the database for the time); after it, the NOTIFY on :data:`NOTIFIER`'s kept
        connection.

        The same ``bus.bus.values`` / ``bus.bus.channels`` keys as Odoo's, set first, so
        Odoo's own method adds nothing more.
        """
        cr = self.env.cr
        precommit, postcommit = cr.precommit, cr.postcommit
        if "bus.bus.values" not in precommit.data:
            precommit.data["bus.bus.values"] = []

            @precommit.add
            def create_bus():
                values = precommit.data.pop("bus.bus.values")
                if not values:
                    return
                uid = self.env.uid
                cr.execute(
                    SQL(
                        "INSERT INTO bus_bus (channel, message, create_uid, write_uid,"
                        " create_date, write_date) VALUES %s",
                        SQL(", ").join(
                            SQL(
                                "(%s, %s, %s, %s, now() at time zone 'UTC',"
                                " now() at time zone 'UTC')",
                                value["channel"],
                                value["message"],
                                uid,
                                uid,
                            )
                            for value in values
                        ),
                    )
                )

        if "bus.bus.channels" not in postcommit.data:
            postcommit.data["bus.bus.channels"] = OrderedSet()

            @postcommit.add
            def notify():
                channels = list(postcommit.data.pop("bus.bus.channels"))
                payloads = get_notify_payloads(channels)
                if len(payloads) > 1:
                    _logger.info("The imbus notification split in %d payloads.", len(payloads))
                NOTIFIER.notify(payloads)

        return super()._ensure_hooks()
