import time
from datetime import timedelta

from odoo import api, fields, models
from odoo.tools import SQL

QUEUE_CRON = "coka_pbx.ir_cron_coka_apply_queued_events"
# A worker that queued an event and checked the job's trigger (committed) less than
# QUEUE_WAKE_SKIP seconds ago queues the next without the check (_coka_wake_due): well
# under the QUEUE_IDLE seconds a run lasts after it wrote that event (coka_pbx_call).
QUEUE_WAKE_SKIP = 0.5

WINDOW_PARAM = "coka_pbx.event_window_days"
DEFAULT_WINDOW_DAYS = 30


class CokaPbxEvent(models.Model):
    """One webhook delivery: makes ``event_id`` idempotent (SPEC PBX-6).

    Most events are applied by the webhook itself (*Applied*). A ``call.ended`` of a call
    Odoo has not seen, and the events that follow it until it is written, are *Queued*:
    stored with their body and the id their call will have, and written in batches by the
    background job (``coka.pbx.call._cron_coka_apply_queued_events``, PERF-2). An event the
    job could not apply is *Failed*, with the reason; its body is kept.

    Kept for the idempotency window (Settings › Call Center, 30 days by default): the
    autovacuum forgets older deliveries, so a repeat after the window is applied again.
    Queued events are never forgotten.
    """

    _name = "coka.pbx.event"
    _description = "PBX Event"
    _order = "id desc"
    _rec_name = "event_ref"
    _log_access = False
    # When this process last queued an event with the trigger check and committed
    # (time.monotonic); a class attribute of the registry's class: one a database.
    _coka_wake_checked_at = float("-inf")

    provider_id = fields.Many2one("coka.pbx.provider", required=True, ondelete="cascade")
    event_ref = fields.Char(string="Event ID", required=True)
    call_id = fields.Many2one("coka.pbx.call", ondelete="cascade", index=True)
    event = fields.Char()
    received_date = fields.Datetime(required=True, index=True)
    state = fields.Selection(
        [("done", "Applied"), ("queued", "Queued"), ("failed", "Failed")],
        string="Status",
        required=True,
        default="done",
    )
    call_ref = fields.Char(
        string="Provider Call ID",
        help="Set on the first event of a call: a call has one first event (unique).",
    )
    payload = fields.Text(help="The body of a queued or failed event, as the PBX sent it.")
    reserved_call_id = fields.Integer(
        string="Reserved Call ID",
        help="The id the call of a queued event gets: the webhook answered it as call_id.",
    )
    error = fields.Char(help="Why the background job could not apply the event.")

    _sql_constraints = [
        (
            "provider_event_uniq",
            "unique(provider_id, event_ref)",
            "A PBX event can be applied only once.",
        ),
    ]

    def init(self):
        # One first event per call: a queued call.ended and the first event of a call that
        # the webhook writes at once cannot both go on (the second waits, then is replayed).
        self.env.cr.execute(
            """
            CREATE UNIQUE INDEX IF NOT EXISTS coka_pbx_event_call_ref_uniq
                ON coka_pbx_event (provider_id, call_ref) WHERE call_ref IS NOT NULL
            """
        )
        self.env.cr.execute(
            """
            CREATE INDEX IF NOT EXISTS coka_pbx_event_queued_idx
                ON coka_pbx_event (id) WHERE state = 'queued'
            """
        )

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
            INSERT INTO coka_pbx_event (provider_id, event_ref, event, received_date, call_id,
                                        state)
            VALUES (%s, %s, %s, now() at time zone 'UTC', %s, 'done')
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
    def _coka_wake_sql(self, queued):
        """The statement that triggers the queued events' job (``ir.cron.trigger``) when
        the ``queued`` CTE stored an event and no trigger newer than the job's latest start
        waits: Odoo deletes at the end of a run only the triggers older than its start, so
        such a trigger runs the job again. Part of the webhook's statement that queues the
        event (PERF-2): under load it adds a trigger about once a run. It returns the new
        trigger's id; the cron workers are then woken after the commit
        (:meth:`_coka_notify_queue`).

        A cron worker's run lasts at least ``QUEUE_IDLE`` seconds
        (``coka.pbx.call._coka_queue_wait``), so a run that starts after this statement's
        snapshot (and deletes the trigger it saw) reads the queue after the event's commit,
        unless the commit came later than that: the job's every-minute run then writes the
        call. For the same reason a worker that made this check less than
        :data:`QUEUE_WAKE_SKIP` seconds ago queues without it (:meth:`_coka_wake_due`):
        the run that reads the event it checked for, started after that check or going on,
        lasts ``QUEUE_IDLE`` seconds more at least and reads this one too.

        :param SQL queued: the name of the CTE that returns the queued event's row
        """
        # The cached id, without env.ref's check that the record exists: no statement.
        _model, cron_id = self.env["ir.model.data"]._xmlid_to_res_model_res_id(QUEUE_CRON)
        return SQL(
            """
            INSERT INTO ir_cron_trigger (cron_id, call_at, create_uid, create_date,
                                         write_uid, write_date)
            SELECT %(cron)s, now() at time zone 'UTC', %(uid)s, now() at time zone 'UTC',
                   %(uid)s, now() at time zone 'UTC'
             WHERE EXISTS (SELECT 1 FROM %(queued)s)
               AND NOT EXISTS (
                    SELECT 1 FROM ir_cron_trigger t
                     WHERE t.cron_id = %(cron)s
                       AND t.call_at > COALESCE(
                            (SELECT p.create_date FROM ir_cron_progress p
                              WHERE p.cron_id = %(cron)s ORDER BY p.id DESC LIMIT 1),
                            '-infinity')
                   )
            RETURNING id
            """,
            cron=cron_id,
            uid=self.env.uid,
            queued=queued,
        )

    @api.model
    def _coka_wake_due(self):
        """Whether the statement that queues an event must check the job's trigger
        (:meth:`_coka_wake_sql`): this process did not check it, for an event it queued
        and committed, within the last :data:`QUEUE_WAKE_SKIP` seconds."""
        return time.monotonic() - type(self)._coka_wake_checked_at >= QUEUE_WAKE_SKIP

    @api.model
    def _coka_wake_checked(self, at):
        """Remember, once the transaction commits, that the statement run at ``at``
        (``time.monotonic``) queued an event and checked the job's trigger."""
        cls = type(self)

        def checked():
            cls._coka_wake_checked_at = max(cls._coka_wake_checked_at, at)

        self.env.cr.postcommit.add(checked)

    @api.model
    def _coka_notify_queue(self):
        """Wake the cron workers once the transaction commits (Odoo's ``NOTIFY
        cron_trigger``): the statement that queued an event has just triggered the job."""
        cron = self.env["ir.cron"]
        self.env.cr.postcommit.add(cron._notifydb)

    def _coka_mark_failed(self, error):
        """Keep a queued event the job could not apply, with the reason: *Failed*. It is
        no longer its call's first event, so the call's next events are applied."""
        self.env.cr.execute(
            SQL(
                """
                UPDATE coka_pbx_event SET state = 'failed', error = %s, call_ref = NULL
                 WHERE id IN %s
                """,
                str(error)[:500],
                tuple(self.ids),
            )
        )
        self.invalidate_recordset(["state", "error", "call_ref"])

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
        events = self.search(
            [("received_date", "<", limit), ("state", "!=", "queued")], order="id", limit=batch
        )
        if len(events) >= batch:
            self.env.ref("base.autovacuum_job")._trigger()
        events.unlink()
        return len(events)
