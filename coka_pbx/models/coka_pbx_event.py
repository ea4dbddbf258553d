from datetime import timedelta

from odoo import api, fields, models

WINDOW_PARAM = "coka_pbx.event_window_days"
DEFAULT_WINDOW_DAYS = 30


class CokaPbxEvent(models.Model):
    """One webhook delivery already applied: makes ``event_id`` idempotent (SPEC PBX-6).

    Kept for the idempotency window (Settings › Call Center, 30 days by default): the
    autovacuum forgets older deliveries, so a repeat after the window is applied again.
    """

    _name = "coka.pbx.event"
    _description = "PBX Event"
    _order = "id desc"
    _log_access = False

    provider_id = fields.Many2one("coka.pbx.provider", required=True, ondelete="cascade")
    event_ref = fields.Char(string="Event ID", required=True)
    call_id = fields.Many2one("coka.pbx.call", ondelete="cascade", index=True)
    event = fields.Char()
    received_date = fields.Datetime(required=True, index=True)

    _sql_constraints = [
        (
            "provider_event_uniq",
            "unique(provider_id, event_ref)",
            "A PBX event can be applied only once.",
        ),
    ]

    def _coka_claim(self, provider, event, call):
        """Record a delivery to an existing call; :return: the new event, or ``None`` for a
        repeat.

        ``INSERT ... ON CONFLICT DO NOTHING``: parallel deliveries of one event wait for each
        other in PostgreSQL and exactly one of them goes on (SPEC REL-2). A new call claims
        its first event in the statement that creates it (``coka.pbx.call``
        ``_coka_insert_call``).
        """
        self.env.cr.execute(
            """
            INSERT INTO coka_pbx_event (provider_id, event_ref, event, received_date, call_id)
            VALUES (%s, %s, %s, now() at time zone 'UTC', %s)
            ON CONFLICT (provider_id, event_ref) DO NOTHING
            RETURNING id
            """,
            [provider.id, event["event_id"], event["event"], call.id],
            # A serialisation failure here is expected under concurrency and is retried.
            log_exceptions=False,
        )
        row = self.env.cr.fetchone()
        return row and self.browse(row[0])

    @api.model
    def _coka_window_days(self):
        """The idempotency window in days (``coka_pbx.event_window_days``, at least 1)."""
        value = self.env["ir.config_parameter"].sudo().get_param(WINDOW_PARAM)
        try:
            days = int(value)
        except (TypeError, ValueError):
            return DEFAULT_WINDOW_DAYS
        return days if days >= 1 else DEFAULT_WINDOW_DAYS

    @api.autovacuum
    def _gc_coka_events(self, batch=models.GC_UNLINK_LIMIT):
        """Forget deliveries older than the idempotency window, ``batch`` rows per run; when
        more are left, the autovacuum job is triggered again (as ``ir.cron.trigger`` does).

        :return: the number of events deleted
        """
        limit = fields.Datetime.now() - timedelta(days=self._coka_window_days())
        events = self.search([("received_date", "<", limit)], order="id", limit=batch)
        if len(events) >= batch:
            self.env.ref("base.autovacuum_job")._trigger()
        events.unlink()
        return len(events)
