import logging
import time
from datetime import datetime, timedelta

from psycopg2 import OperationalError, errors

from odoo import api, fields, models, modules
from odoo.exceptions import UserError
from odoo.tools import SQL, html_escape

from ..tools import autocommit, cdr, phone, qa, retry, sticky
from ..tools.pbx_client import ProviderError

_logger = logging.getLogger(__name__)

# The queued calls' job (PERF-2), in seconds: after a batch that was not full it reads the
# events' sequence every QUEUE_POLL and takes the next batch once events came and then
# stopped coming, or QUEUE_LINGER after the first came; it reads the queue itself
# QUEUE_RECHECK after a batch (an event whose id was taken before the batch and committed
# after it); it ends after QUEUE_IDLE with nothing new.
QUEUE_POLL = 0.02
QUEUE_LINGER = 0.2
QUEUE_RECHECK = 0.1
QUEUE_IDLE = 2.0

CALL_STATUSES = [
    ("ringing", "Ringing"),
    ("in_progress", "In progress"),
    ("answered", "Answered"),
    ("missed", "Missed"),
    ("no_answer", "No answer"),
    ("busy", "Busy"),
    ("failed", "Failed"),
    ("cancelled", "Cancelled"),
]


# What an event's call holds that the fold (``tools.cdr.fold_event``) and the event hooks read.
STATE_FIELDS = (
    "status",
    "start_date",
    "answer_date",
    "end_date",
    "last_event_date",
    "extension_date",
    "extension_answered",
    "extension_id",
    "user_id",
    "hotline_id",
    "from_number",
    "to_number",
    "customer_number",
    "partner_id",
    "talk_seconds",
)
# The stored computed fields of a call row written by SQL (_coka_computed_sql).
COMPUTED_FIELDS = ("too_long", "customer_type")


class CokaPbxCall(models.Model):
    """A call detail record (CDR) reported by the PBX (SPEC PBX-3).

    Agents have no write access on calls: the PBX reports what happened (webhook, ``sudo``),
    and an agent changes his own call only through the methods below that need it (note,
    links to a contact or lead, hold / mute flags), each checking that the call is his.
    """

    _name = "coka.pbx.call"
    _description = "Call"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "start_date desc, id desc"
    _rec_name = "customer_number"
    # Agents may post on the chatter of the calls they can read, without write access.
    _mail_post_access = "read"

    provider_id = fields.Many2one("coka.pbx.provider", ondelete="restrict", index=True)
    provider_call_id = fields.Char(string="Provider Call ID", readonly=True, copy=False)
    hotline_id = fields.Many2one("coka.pbx.hotline", index=True, ondelete="restrict")
    direction = fields.Selection(
        [("inbound", "Inbound"), ("outbound", "Outbound"), ("internal", "Internal")],
        required=True,
        default="outbound",
    )
    from_number = fields.Char()
    to_number = fields.Char()
    customer_number = fields.Char(
        help="E.164 number of the customer: the caller for inbound, the callee for outbound."
    )
    partner_id = fields.Many2one("res.partner", string="Customer", index=True)
    # A copy for reports: the partner's field is tracked, its copy on every call must not be
    # (a chatter message per call ingested by the webhook).
    customer_type = fields.Selection(
        related="partner_id.coka_customer_type", store=True, tracking=False
    )
    extension_id = fields.Many2one("coka.pbx.extension", index=True, ondelete="restrict")
    user_id = fields.Many2one("res.users", string="Agent", index=True)
    status = fields.Selection(CALL_STATUSES, required=True, default="ringing", tracking=True)
    start_date = fields.Datetime(string="Start", default=fields.Datetime.now, index=True)
    answer_date = fields.Datetime(string="Answered At")
    end_date = fields.Datetime(string="End")
    ring_seconds = fields.Integer()
    talk_seconds = fields.Integer()
    hold_seconds = fields.Integer(help="Time the customer was on hold, when the PBX tells it.")
    cost = fields.Float(digits=(16, 2))
    recording_url = fields.Char(string="Recording URL")
    recording_attachment_id = fields.Many2one("ir.attachment", string="Recording", copy=False)
    recording_downloaded = fields.Boolean(string="Downloaded", readonly=True, copy=False)
    recording_downloaded_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    recording_downloaded_date = fields.Datetime(readonly=True, copy=False)
    recording_fetch_attempts = fields.Integer(
        readonly=True, copy=False, help="Failed fetches of the recording from the PBX."
    )
    recording_fetch_error = fields.Char(
        readonly=True, copy=False, help="Why the last fetch of the recording failed."
    )
    recording_fetch_next_date = fields.Datetime(
        readonly=True, copy=False, help="The background job fetches the recording again then."
    )
    recording_fetch_failed = fields.Boolean(
        readonly=True,
        copy=False,
        help="The recording could not be fetched after the maximum number of attempts: "
        "the background job no longer tries.",
    )
    recording_removed = fields.Boolean(
        readonly=True,
        copy=False,
        help="The recording was deleted after the retention period of Settings; the call stays.",
    )
    too_long = fields.Boolean(compute="_compute_too_long", store=True)
    too_long_review_scheduled = fields.Boolean(
        readonly=True,
        copy=False,
        help="The review activity of this too-long call was scheduled (once per call).",
    )
    transcript = fields.Text(readonly=True, help="The conversation as the PBX transcribed it.")
    after_call_due = fields.Datetime(
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="The call ended at this time and its after-call work (note on the contact, QA "
        "score, too-long review) waits for the background job.",
    )
    qa_score = fields.Float(
        string="QA Score",
        digits=(5, 1),
        readonly=True,
        copy=False,
        aggregator="avg",
        help="0-100: the weighted QA rules met by the answered call, computed when it ended "
        "and when its note was saved.",
    )
    qa_breakdown = fields.Json(
        string="QA Breakdown", readonly=True, copy=False, help="What each QA rule contributed."
    )
    start_time = fields.Char(
        string="Time", compute="_compute_start_time", help="Time of the call, in your time zone."
    )
    note = fields.Text()
    last_event_date = fields.Datetime(
        readonly=True, help="Timestamp of the latest PBX event applied to this call."
    )
    extension_date = fields.Datetime(
        readonly=True, help="Timestamp of the PBX event that gave the call its extension."
    )
    extension_answered = fields.Boolean(
        readonly=True, help="The extension of the call answered it (it was not only rung)."
    )
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )

    _sql_constraints = [
        (
            "provider_call_uniq",
            "unique(provider_id, provider_call_id, company_id)",
            "A provider call can be recorded only once.",
        ),
        ("ring_seconds_positive", "CHECK(ring_seconds >= 0)", "Ring time cannot be negative."),
        ("talk_seconds_positive", "CHECK(talk_seconds >= 0)", "Talk time cannot be negative."),
    ]

    event_ids = fields.One2many("coka.pbx.event", "call_id", string="Events")
    held = fields.Boolean(readonly=True, copy=False)
    muted = fields.Boolean(readonly=True, copy=False)

    @api.depends("start_date")
    @api.depends_context("tz")
    def _compute_start_time(self):
        for call in self:
            start = call.start_date and fields.Datetime.context_timestamp(call, call.start_date)
            call.start_time = start.strftime("%H:%M:%S") if start else False

    @api.depends("talk_seconds", "hotline_id.too_long_minutes")
    def _compute_too_long(self):
        for call in self:
            limit = call.hotline_id.too_long_minutes
            call.too_long = bool(limit) and call.talk_seconds > limit * 60

    # Webhook ingestion (SPEC PBX-5, PBX-6) ----------------------------------------------

    @api.model
    def _coka_ingest_event(self, provider, event, body=None, reserved_call_id=None):
        """Apply one authenticated PBX event; called with ``sudo()`` by the webhook.

        A ``call.ended`` of a call Odoo has not seen, and any event of a call whose
        ``call.ended`` waits, is queued when ``body`` is given (:meth:`_coka_queue_event`):
        one statement, and the background job writes it with others
        (:meth:`_cron_coka_apply_queued_events`, PERF-2). Any other event is applied here
        in a few statements whatever it is: the call is read and locked
        (:meth:`_coka_locked_state`); a new call is inserted with all its values by the
        statement that claims the event id (:meth:`_coka_insert_call`); an existing one
        claims it, then is updated in one statement. The rules are ``tools.cdr``'s; the
        stored computed fields of the call are written by the same statements, and no
        tracking or chatter happens.

        :param provider: the ``coka.pbx.provider`` that sent it, in its company
            (``with_company``, as ``_coka_receive`` gives it)
        :param dict event: the parsed event (``tools.cdr.parse_event``)
        :param bytes body: the request body, stored when the event is queued; ``None``
            applies the event now (the background job)
        :param int reserved_call_id: the id a new call gets (a queued event's reserved id)
        :return: the JSON answer
        """
        self = self.with_context(tracking_disable=True, mail_notrack=True)
        company = provider.env.company
        if body is not None and event["event"] == "call.ended":
            answer = self._coka_queue_event(provider, company, event, body)
            if answer:
                return answer
        state, extension, found = self._coka_locked_state(provider, company, event)
        if state is None and found["queued_call_id"] and body is not None:
            # Its call waits in the queue: this event waits behind it.
            answer = self._coka_queue_follower(provider, event, body)
            if answer:
                return answer
        # The after-call work is queued by the statement that writes the end (PERF-2).
        due = {"after_call_due": fields.Datetime.now()} if event["event"] == "call.ended" else {}
        if state is None:
            values = self._coka_new_call_values(provider, event, extension, found)
            values.update(due)
            call, panel_row = self._coka_insert_call(
                provider, company, event, values, reserved_call_id
            )
            if not call:
                return {"ok": True, "duplicate": True}
        else:
            call = self.browse(state["id"])
            if not self.env["coka.pbx.event"]._coka_claim(provider, event, call):
                return {"ok": True, "duplicate": True}
            values = self._coka_resolve_extension(cdr.fold_event(state, event), extension)
            values.update(call._coka_prepare_event_vals(provider, event, state, found), **due)
            panel_row = call._coka_update_row(values, state)
        if event["event"] == "call.ended":
            call._coka_on_call_ended({call.id: found})
        elif values.get("transcript") and call.end_date:
            # A transcript sent after the end (with the recording): its keywords count.
            call._coka_score_qa()
        if call.user_id:
            call._coka_notify_agent(event, panel_row)
        return {"ok": True, "call_id": call.id}

    @api.model
    def _coka_new_call_values(self, provider, event, extension, found):
        """The values of the new call of a first event, from what
        :meth:`_coka_locked_state` (or :meth:`_coka_lookup_events`) found."""
        values = self._coka_resolve_extension(cdr.fold_event({"status": None}, event), extension)
        values.update(self.browse()._coka_prepare_event_vals(provider, event, {}, found))
        return values

    # Queued completed calls (PERF-2) ------------------------------------------------------

    @api.model
    def _coka_queue_event(self, provider, company, event, body):
        """Store a ``call.ended`` of a call Odoo has not seen for the background job, in
        one statement (:meth:`_coka_queue_insert`): with its body, and the id its call will
        have (the answer's ``call_id``), reserved from the calls' sequence.

        The event holds the call's ``call_ref``, unique among first events: a first event
        of the same call applied at the same time by another request waits for this one,
        then is replayed by Odoo (repeatable read), and finds it.

        :return: the JSON answer, or a false value when nothing was stored: the call
            exists, its first event is stored already (queued: the event waits behind it,
            :meth:`_coka_queue_follower`), this event is a repeat, or the body is not text
        """
        return self._coka_queue_insert(
            provider,
            event,
            body,
            SQL(
                """
                %(call)s, nextval('coka_pbx_call_id_seq')
                 WHERE NOT EXISTS (
                        SELECT 1 FROM coka_pbx_call
                         WHERE provider_id = %(provider)s AND provider_call_id = %(call)s
                           AND company_id = %(company)s)
                """,
                provider=provider.id,
                call=event["call_id"],
                company=company.id,
            ),
        )

    @api.model
    def _coka_queue_follower(self, provider, event, body):
        """Store an event of a call whose first event is queued: it waits behind it, with
        its reserved id (:meth:`_coka_queue_insert`).

        The first event is read on its unique ``call_ref`` key, then kept when queued (see
        :meth:`_coka_event_query`).

        :return: the JSON answer (``duplicate`` for a repeat), or ``None`` when the body is
            not text
        """
        answer = self._coka_queue_insert(
            provider,
            event,
            body,
            SQL(
                """
                NULL, q.reserved
                  FROM (SELECT CASE WHEN state = 'queued' THEN reserved_call_id END
                          FROM coka_pbx_event
                         WHERE provider_id = %(provider)s AND call_ref = %(call)s) AS q(reserved)
                 WHERE q.reserved IS NOT NULL
                """,
                provider=provider.id,
                call=event["call_id"],
            ),
        )
        return answer if answer is not False else {"ok": True, "duplicate": True}

    @api.model
    def _coka_queue_insert(self, provider, event, body, rest):
        """Run the statement that queues ``event`` with its body, and trigger the job.

        The same statement checks the job's trigger (``coka.pbx.event._coka_wake_sql``)
        unless this process did, for an event it queued, less than ``QUEUE_WAKE_SKIP``
        seconds ago (``coka.pbx.event._coka_wake_due``); the cron workers are woken after
        the commit when it inserted one. When it is the first statement of the request's
        transaction (a lone ``call.ended``), it runs alone in autocommit
        (``tools.autocommit.alone``): stored and committed in one round trip, before the
        answer is made; a unique key it meets another request's uncommitted row on waits
        for that request, then ``ON CONFLICT DO NOTHING`` stores nothing.

        :param SQL rest: what follows the stored row's provider, event id, kind, date,
            state and body in its ``SELECT``: its ``call_ref`` and reserved call id, then
            any ``FROM`` / ``WHERE`` (no row selected, nothing stored)
        :return: the JSON answer; ``False`` when nothing was stored, ``None`` when the body
            is not text
        """
        try:
            payload = body.decode()
        except UnicodeDecodeError:
            return None
        insert = SQL(
            """
            INSERT INTO coka_pbx_event (provider_id, event_ref, event, received_date, state,
                                        payload, call_ref, reserved_call_id)
            SELECT %s, %s, %s, now() at time zone 'UTC', 'queued', %s, %s
            ON CONFLICT DO NOTHING
            RETURNING reserved_call_id
            """,
            provider.id,
            event["event_id"],
            event["event"],
            payload,
            rest,
        )
        Event = self.env["coka.pbx.event"]
        started = time.monotonic()
        wake = Event._coka_wake_due()
        if wake:
            insert = SQL(
                """
                WITH queued AS (%s), wake AS (%s)
                SELECT (SELECT reserved_call_id FROM queued), (SELECT count(*) FROM wake)
                """,
                insert,
                Event._coka_wake_sql(SQL("queued")),
            )
        # When first in its transaction (a lone end): committed alone, one round trip.
        with autocommit.alone(self.env.cr):
            result = self._coka_execute(insert)
        if wake:
            [(reserved, woken)] = result
        else:
            reserved, woken = (result[0][0] if result else None), 0
        if reserved and wake:
            Event._coka_wake_checked(started)
        if not reserved:
            return False
        if woken:
            Event._coka_notify_queue()
        return {"ok": True, "call_id": reserved, "queued": True}

    @api.model
    def _cron_coka_apply_queued_events(self, batch=200, limit=20000):
        """Write the queued events' calls, oldest event first, in batches (PERF-2).

        A batch is the queued events locked with ``FOR UPDATE SKIP LOCKED`` (another run
        takes the others). Run by a cron worker, after a batch that was not full the job
        waits for the next as :meth:`_coka_queue_wait` says, and it ends after
        :data:`QUEUE_IDLE` seconds with nothing queued; run by hand (*Run Manually*) or by
        a test, it writes what is queued and ends. The first events of new calls are
        written together (:meth:`_coka_apply_new_calls`); the events that follow one, a
        call that exists meanwhile, or a second call of one customer in the batch are
        applied one by one after them, as the webhook would
        (:meth:`_coka_apply_queued_one`). An event that cannot be applied is *Failed* with
        the reason and blocks nothing. One transaction
        per batch outside tests.

        :param int batch: events in one transaction
        :param int limit: events in one run at most
        :return: the number of events applied or failed
        """
        done, statements = 0, self.env.cr.sql_log_count
        # Odoo's cron worker runs a job with its id in the context (ir.cron._run_job).
        waits = bool(self.env.context.get("cron_id"))
        commits = not modules.module.current_test
        idle_since = time.monotonic()
        while done < limit:
            mark = self._coka_event_mark() if waits else None
            self.env.flush_all()
            rows = self.env.execute_query(
                SQL(
                    """
                    SELECT id, provider_id, call_ref, reserved_call_id, payload
                      FROM coka_pbx_event WHERE state = 'queued'
                     ORDER BY id LIMIT %s
                       FOR UPDATE SKIP LOCKED
                    """,
                    min(batch, limit - done),
                )
            )
            if rows:
                by_provider = {}
                for row in rows:
                    by_provider.setdefault(row[1], []).append(row)
                for provider_id, provider_rows in by_provider.items():
                    self._coka_apply_queued_rows(provider_id, provider_rows)
                done += len(rows)
                if commits:
                    self.env.cr.commit()  # pylint: disable=invalid-commit
                idle_since = time.monotonic()
                if len(rows) == batch:
                    continue
            if not waits:
                break
            self.env.cr.rollback()  # nothing held while waiting
            if not self._coka_queue_wait(batch, mark, idle_since):
                break
        [(remaining,)] = self.env.execute_query(
            SQL("SELECT count(*) FROM coka_pbx_event WHERE state = 'queued'")
        )
        self.env["ir.cron"]._notify_progress(done=done, remaining=remaining)
        if done:
            _logger.info(
                "Queued PBX events: %s applied in %s SQL statements, %s left",
                done,
                self.env.cr.sql_log_count - statements,
                remaining,
            )
        return done

    @api.model
    def _coka_event_mark(self):
        """The last id taken from the events' sequence: one statement alone, no scan."""
        with autocommit.alone(self.env.cr):
            [(value,)] = self.env.execute_query(SQL("SELECT last_value FROM coka_pbx_event_id_seq"))
        return value

    @api.model
    def _coka_queue_wait(self, batch, mark, idle_since):
        """Wait until the queue is worth reading again (PERF-2): events came since ``mark``
        (:meth:`_coka_event_mark`, read before the last batch) and then stopped coming
        for :data:`QUEUE_POLL`, or ``batch`` came, or :data:`QUEUE_LINGER` passed since
        the first came; or :data:`QUEUE_RECHECK` passed (an event whose id was taken
        before ``mark`` may have committed after the batch). So one batch's statements
        serve many calls under load, and a lone call is written within a few
        hundredths of a second.

        :param float idle_since: when the job last wrote something (``time.monotonic``)
        :return: ``False`` when nothing came for :data:`QUEUE_IDLE` seconds
        """
        entered = time.monotonic()
        previous, first = mark, None
        while True:
            time.sleep(QUEUE_POLL)
            value, now = self._coka_event_mark(), time.monotonic()
            if value != mark:
                first = first or now
                if value == previous or value - mark >= batch or now - first >= QUEUE_LINGER:
                    return True
            elif now - idle_since >= QUEUE_IDLE:
                return False
            elif now - entered >= QUEUE_RECHECK:
                return True
            previous = value

    @api.model
    def _coka_apply_queued_rows(self, provider_id, rows):
        """Apply one provider's queued events (rows of
        :meth:`_cron_coka_apply_queued_events`), in the order they came for each call."""
        provider = self.env["coka.pbx.provider"].with_context(active_test=False).browse(provider_id)
        provider = provider.with_company(provider.company_id)
        Event = self.env["coka.pbx.event"]
        adapter = None
        parsed, singles, firsts, keys = [], [], [], set()
        for event_id, _provider, call_ref, reserved, payload in rows:
            try:
                adapter = adapter or provider._coka_adapter_class(provider.provider_type)
                event = adapter.parse_event((payload or "").encode())
            except (UserError, cdr.EventError) as error:
                _logger.warning("Queued PBX event %s not applied: %s", event_id, error)
                Event.browse(event_id)._coka_mark_failed(error)
                continue
            parsed.append((event_id, call_ref, reserved, event))
        for item in parsed:
            key = phone.to_e164(cdr.customer_number(item[3]) or "")
            if item[1] and item[3]["event"] == "call.ended" and not (key and key in keys):
                firsts.append(item)
                keys.add(key)
            else:
                singles.append(item)
        if firsts:
            try:
                with self.env.cr.savepoint():
                    singles += self._coka_apply_new_calls(provider, firsts)
            except OperationalError:
                raise  # a concurrent change: the run stops, the events stay queued
            except Exception:  # noqa: BLE001 - every event is tried again on its own
                _logger.warning("Queued calls not written together; one by one.", exc_info=True)
                singles += firsts
        for item in sorted(singles, key=lambda item: item[0]):
            self._coka_apply_queued_one(provider, *item)

    @api.model
    def _coka_apply_queued_one(self, provider, event_id, call_ref, reserved, event):
        """Apply one queued event as the webhook would have (its row is claimed anew)."""
        Event = self.env["coka.pbx.event"]
        try:
            with self.env.cr.savepoint():
                self.env.cr.execute(SQL("DELETE FROM coka_pbx_event WHERE id = %s", event_id))
                self._coka_ingest_event(
                    provider, event, reserved_call_id=reserved if call_ref else None
                )
        except OperationalError:
            raise  # a concurrent change: the run stops, the events stay queued
        except Exception as error:  # noqa: BLE001 - kept, with the reason, for the admin
            _logger.warning("Queued PBX event %s not applied: %s", event_id, error)
            Event.browse(event_id)._coka_mark_failed(error)

    @api.model
    def _coka_apply_new_calls(self, provider, items):
        """Write the new calls of queued first ``call.ended`` events, set-based: one statement
        finds what the events name, one inserts the calls, one marks the events applied;
        then the call-ended hooks and the agents' notifications, for all of them at once.

        :param list items: ``(event row id, call_ref, reserved id, event)``, customers
            distinct
        :return: the items not written here (their call exists): to apply one by one
        """
        company = provider.env.company
        looked = self._coka_lookup_events(provider, company, [item[3] for item in items])
        now = fields.Datetime.now()
        written, later, rows = [], [], []
        for item, (call_id, extension, found) in zip(items, looked, strict=True):
            if call_id:
                later.append(item)
                continue
            values = self._coka_new_call_values(provider, item[3], extension, found)
            values.update(
                after_call_due=now,
                provider_id=provider.id,
                provider_call_id=item[3]["call_id"],
                company_id=company.id,
                direction=item[3]["direction"],
            )
            written.append((item, found, values))
            rows.append((item[2], values))
        if not written:
            return later
        inserted = self._coka_insert_rows(rows)
        self._coka_execute(
            SQL(
                """
                UPDATE coka_pbx_event
                   SET state = 'done', call_id = reserved_call_id, payload = NULL
                 WHERE id = ANY(%s)
                """,
                [item[0] for item, _found, _values in written],
            )
        )
        self.env["coka.pbx.event"].invalidate_model(["state", "call_id", "payload"])
        calls = self.browse([item[2] for item, _found, _values in written])
        for call, (_item, _found, values) in zip(calls, written, strict=True):
            call._coka_cache_new_row(values, *inserted[call.id][:2])
        calls._coka_on_call_ended({item[2]: found for item, found, _values in written})
        for call, (item, _found, _values) in zip(calls, written, strict=True):
            if call.user_id:
                call._coka_notify_agent(item[3], inserted[call.id][2])
        return later

    @api.model
    def _coka_insert_rows(self, rows):
        """Insert new calls in one statement: ``rows`` are ``(id, values)``; a column a row
        has no value for is left empty (the table has no column default but the id's).

        The rows are a ``VALUES`` list, its first row typed, and the stored computed fields
        (:meth:`_coka_computed_sql`) are expressions over its columns: the statement is
        planned once whatever the number of rows, where sub-selects over each row's
        constants would be planned for each.

        :return: dict id -> ``(too_long, customer_type, panel row)``
        """
        names = list(dict.fromkeys(name for _call_id, values in rows for name in values))
        for name in ("hotline_id", "partner_id", "talk_seconds"):
            if name not in names:
                names.append(name)
        types = [SQL(self._fields[name].column_type[1]) for name in names]

        def cells(values):
            return tuple(self._coka_column_value(name, values.get(name)) for name in names)

        # The first row's constants carry their column's type; the others' take it from
        # theirs (PostgreSQL types a VALUES column as a UNION's), each row one parameter.
        first_id, first_values = rows[0]
        lines = [
            SQL(
                "(%s, %s)",
                first_id,
                SQL(", ").join(
                    SQL("%s::%s", value, sql_type)
                    for value, sql_type in zip(cells(first_values), types, strict=True)
                ),
            ),
            *(SQL("%s", (call_id, *cells(values))) for call_id, values in rows[1:]),
        ]
        computed = self._coka_computed_sql(
            SQL("COALESCE(v.talk_seconds, 0)"), SQL("v.hotline_id"), SQL("v.partner_id")
        )
        panel, joins = self._coka_panel_sql()
        result = self._coka_execute(
            SQL(
                """
                WITH c AS (
                    INSERT INTO coka_pbx_call (id, create_uid, create_date, write_uid,
                                               write_date, %(computed_columns)s, %(columns)s)
                    SELECT v.id, %(uid)s, now() at time zone 'UTC', %(uid)s,
                           now() at time zone 'UTC', %(computed)s, %(v_columns)s
                      FROM (VALUES %(lines)s) AS v(id, %(columns)s)
                    RETURNING *
                )
                SELECT c.id, c.too_long, c.customer_type, %(panel)s FROM c %(joins)s
                """,
                computed_columns=SQL(", ").join(SQL.identifier(name) for name in COMPUTED_FIELDS),
                columns=SQL(", ").join(SQL.identifier(name) for name in names),
                computed=SQL(", ").join(computed),
                v_columns=SQL(", ").join(SQL("v.%s", SQL.identifier(name)) for name in names),
                uid=self.env.uid,
                lines=SQL(", ").join(lines),
                panel=panel,
                joins=joins,
            )
        )
        return {row[0]: row[1:] for row in result}

    # The agent's workspace over Odoo's bus (SPEC PBX-8, PBX-9) ---------------------------

    def _coka_notify_agent(self, event=None, panel_row=None):
        """Tell the call's agent, and him only, what the call is now: ``coka_pbx/call_state``;
        for an inbound ``call.ringing`` also ``coka_pbx/incoming_call`` with the caller's card.

        The notifications target the agent's partner channel (``res.users._bus_send``), so no
        other agent, of this company or another, receives them; Odoo's bus inserts them in
        one statement when the transaction commits. On the webhook path (PERF-2) the panel
        data comes with the statement that wrote the call (:meth:`_coka_panel_sql`).

        :param dict event: the parsed PBX event that changed the call, if any
        :param tuple panel_row: the call's :meth:`_coka_panel_sql` columns, if read already
        """
        self.ensure_one()
        agent_partner, data = self._coka_panel_row(panel_row)
        if not agent_partner:
            return
        if event and event["event"] == "call.ringing" and self.direction == "inbound":
            # The card is read with the agent's rights (he sees what he may read, no more) and
            # in his language (its labels: customer type, direction, status).
            agent = self.user_id
            card = self.with_user(agent).with_context(lang=agent.lang).sudo(False)
            card = card._coka_caller_card()
            agent_partner._bus_send("coka_pbx/incoming_call", {**data, "caller_card": card})
        agent_partner._bus_send("coka_pbx/call_state", data)

    PANEL_KEYS = (
        "provider_call_id",
        "status",
        "direction",
        "customer_number",
        "partner_id",
        "partner_name",
        "customer_type",
        "extension",
        "start_date",
        "answer_date",
        "end_date",
        "held",
        "muted",
        "note",
    )

    @api.model
    def _coka_panel_sql(self):
        """The agent's panel of the call row aliased ``c``: ``(expression, joins)``. The
        expression is one JSON array, the agent's partner id then :data:`PANEL_KEYS`; the
        joins bring the agent, the customer and the extension. The webhook's statements
        that write a call return it (PERF-2)."""
        expression = SQL(
            """
            json_build_array(u.partner_id, c.provider_call_id, c.status, c.direction,
                             c.customer_number, p.id, p.name, p.coka_customer_type, e.number,
                             c.start_date, c.answer_date, c.end_date, c.held, c.muted, c.note)
            """
        )
        joins = SQL(
            """
            LEFT JOIN res_users u ON u.id = c.user_id
            LEFT JOIN res_partner p ON p.id = c.partner_id
            LEFT JOIN coka_pbx_extension e ON e.id = c.extension_id
            """
        )
        return expression, joins

    def _coka_panel_row(self, row=None):
        """The agent's partner and :meth:`_coka_panel_data`, read in one statement unless
        ``row`` (the array of :meth:`_coka_panel_sql`) is given.

        :return: ``(res.partner, dict)``; the partner is empty for a call without an agent
        """
        self.ensure_one()
        if row is None:
            expression, joins = self._coka_panel_sql()
            [(row,)] = self._coka_execute(
                SQL("SELECT %s FROM coka_pbx_call c %s WHERE c.id = %s", expression, joins, self.id)
            )
        values = dict(zip(self.PANEL_KEYS, row[1:], strict=True))
        for name in ("start_date", "answer_date", "end_date"):
            if values[name]:
                values[name] = datetime.fromisoformat(values[name])  # as json renders it
        return self.env["res.partner"].browse(row[0]), self._coka_panel_payload(values)

    def _coka_panel_payload(self, values):
        """The panel data of the call from its raw ``values`` (``False`` or ``None`` unset)."""
        self.ensure_one()

        def iso(value):
            return value.isoformat() + "Z" if value else False

        note = values["note"] or ""
        return {
            "id": self.id,
            "provider_call_id": values["provider_call_id"] or False,
            "status": values["status"],
            "direction": values["direction"],
            "customer_number": values["customer_number"] or False,
            "partner": {
                "id": values["partner_id"],
                "name": values["partner_name"],
                "customer_type": values["customer_type"] or False,
            }
            if values["partner_id"]
            else None,
            "extension": values["extension"] or False,
            "start_date": iso(values["start_date"]),
            "answer_date": iso(values["answer_date"]),
            "end_date": iso(values["end_date"]),
            "held": bool(values["held"]),
            "muted": bool(values["muted"]),
            "note": note,
            "needs_wrapup": bool(
                values["answer_date"]
                and values["status"] not in ("ringing", "in_progress")
                and not note.strip()
            ),
        }

    def _coka_caller_card(self):
        """Who is calling, for the incoming popup: the contact's card
        (``res.partner._coka_caller_card``), or ``None`` for an unknown number."""
        self.ensure_one()
        if not self.partner_id:
            return None
        return self.partner_id._coka_caller_card(exclude_call=self)

    @api.model
    def _coka_open_calls(self):
        """The current agent's calls his panel shows after a reload: those still ringing or
        in progress, and the answered ones that ended without a note (pending wrap-ups), of
        the last 12 hours, newest first.

        :return: list of :meth:`_coka_panel_data`
        """
        since = fields.Datetime.now() - timedelta(hours=12)
        calls = self.search(
            [
                ("user_id", "=", self.env.uid),
                ("start_date", ">=", since),
                "|",
                ("status", "in", ("ringing", "in_progress")),
                "&",
                ("answer_date", "!=", False),
                ("note", "in", (False, "")),
            ],
            limit=10,
        )
        return [call._coka_panel_data() for call in calls]

    def _coka_close_popup(self):
        """The agent acted on his incoming popup in one tab (answered, dismissed): his other
        tabs close it too (``coka_pbx/call_closed``)."""
        self.ensure_one()
        self._coka_check_actor(self.env._("Only the agent on the call can close it."))
        self.env.user._bus_send("coka_pbx/call_closed", {"id": self.id})
        return True

    def _coka_wrapped_up(self):
        """After the note is saved: the agent's tabs get the call with its note, then close
        it (``coka_pbx/call_state`` then ``coka_pbx/call_closed``)."""
        self.ensure_one()
        if self.user_id:
            self.env.flush_all()
            self._coka_notify_agent()
            self.user_id._bus_send("coka_pbx/call_closed", {"id": self.id})
        return True

    def _coka_quick_create_partner(self, values):
        """Create the contact of an unknown caller from the popup and link it to the call.

        :param dict values: ``name`` (required), ``email``, ``customer_type``; the number is
            the call's
        :return: the new ``res.partner``
        """
        self.ensure_one()
        self._coka_check_actor(self.env._("Only the agent on the call can create its contact."))
        name = (values.get("name") or "").strip()
        if not name:
            raise UserError(self.env._("Give the caller's name."))
        types = dict(self.env["res.partner"]._fields["coka_customer_type"].selection)
        customer_type = values.get("customer_type") or "prospect"
        if customer_type not in types:
            raise UserError(self.env._("%(type)s is not a customer type.", type=str(customer_type)))
        key = phone.to_e164(self.customer_number or "")
        vals = {
            "name": name,
            "email": (values.get("email") or "").strip() or False,
            "coka_customer_type": customer_type,
            "coka_source": "phone",
            "company_id": self.company_id.id,
        }
        if key:
            vals["mobile" if phone.is_mobile(key) else "phone"] = phone.to_display(key)
        # sudo: agents read contacts without creating them; this one is the caller of his
        # own call (checked above), made with the values above only.
        partner = self.env["res.partner"].sudo().create(vals).sudo(False)
        self._coka_link({"partner_id": partner.id})
        self.env.user._bus_send("coka_pbx/call_state", self._coka_panel_data())
        return partner

    @api.model
    def _coka_locked_state(self, provider, company, event):
        """The stored state of an event's call, locked until the transaction ends, with
        what the event names: its extension, hotline and customer, in one statement
        (:meth:`_coka_event_query`).

        :return: ``(state, extension, found)``: ``state`` is a dict of ``id`` and the fields
            of :data:`STATE_FIELDS` (``None`` when unset), or ``None`` when the call does
            not exist yet; ``extension`` is ``(id, agent's user id)`` of the company's active
            extension numbered like the event's, or ``None``; ``found`` has ``hotline`` (the
            company's active hotline of the event's number, see
            ``coka.pbx.hotline._coka_from_row``) and ``partner_id`` (the oldest contact
            numbered like the customer, or ``None``), for
            :meth:`_coka_prepare_event_vals`, ``sticky_rule`` (``(hotline id, customer
            key, rule row or None)``, see ``coka.pbx.hotline._coka_sticky_rule_query``), for
            :meth:`_coka_on_call_ended`, and ``queued_call_id`` (the reserved id of the
            call's queued ``call.ended``, or ``None``)
        """
        hotline_key = phone.to_e164(event["hotline"] or "")
        customer_key = phone.to_e164(cdr.customer_number(event) or "")
        query = self._coka_event_query(
            provider,
            company,
            SQL("(SELECT 1) AS v"),
            extension=SQL("%s", event["extension"]),
            hotline_key=SQL("%s", hotline_key) if hotline_key else None,
            customer_key=SQL("%s", customer_key) if customer_key else None,
            call_ref=SQL("%s", event["call_id"]),
            lock=True,
        )
        [row] = self._coka_execute(query)
        return self._coka_event_row(row, hotline_key, customer_key)

    @api.model
    def _coka_lookup_events(self, provider, company, events):
        """What :meth:`_coka_locked_state` reads, for many events in one statement, their
        calls not locked.

        :return: list of ``(call id or None, extension, found)``, in the order of ``events``
        """
        keys = [
            (
                phone.to_e164(event["hotline"] or "") or None,
                phone.to_e164(cdr.customer_number(event) or "") or None,
            )
            for event in events
        ]
        source = SQL(
            "(VALUES %s) AS v(i, extension, hotline_key, customer_key, call_ref)",
            SQL(", ").join(
                SQL(
                    "(%s, %s::varchar, %s::varchar, %s::varchar, %s::varchar)",
                    index,
                    event["extension"],
                    *keys[index],
                    event["call_id"],
                )
                for index, event in enumerate(events)
            ),
        )
        query = self._coka_event_query(
            provider,
            company,
            source,
            extension=SQL("v.extension"),
            hotline_key=SQL("v.hotline_key"),
            customer_key=SQL("v.customer_key"),
            call_ref=SQL("v.call_ref"),
            lock=False,
            order=SQL("ORDER BY v.i"),
        )
        result = []
        for row, (hotline_key, customer_key) in zip(self._coka_execute(query), keys, strict=True):
            state, extension, found = self._coka_event_row(row, hotline_key, customer_key)
            result.append((state and state["id"], extension, found))
        return result

    @api.model
    def _coka_event_query(
        self,
        provider,
        company,
        source,
        extension,
        hotline_key,
        customer_key,
        call_ref,
        lock,
        order=None,
    ):
        """The statement that reads, for each row of ``source``, the extension, hotline,
        contact and sticky rule its event names, its queued call's reserved id and its call
        (``c.*``, :data:`STATE_FIELDS`). The other arguments are SQL expressions over
        ``source`` (``None``: no such key); ``lock`` locks the calls found.

        The call's first event is read on its unique ``call_ref`` key whatever its state,
        then kept when queued: filtered on the state, the sub-select would scan the
        queued events' partial index, dead entries included, for every row."""
        Hotline = self.env["coka.pbx.hotline"]
        Partner = self.env["res.partner"]
        partner = (
            Partner._coka_phone_key_query(customer_key, company, limit=1)
            if customer_key is not None and Partner._coka_phone_lookup
            else SQL("NULL::int")
        )
        return SQL(
            """
            SELECT e.id, e.user_id, h.data, (%(partner)s), r.data,
                   (SELECT CASE WHEN q.state = 'queued' THEN q.reserved_call_id END
                      FROM coka_pbx_event q
                     WHERE q.provider_id = %(provider)s AND q.call_ref = %(call)s),
                   c.*
              FROM %(source)s
              LEFT JOIN LATERAL (%(hotline)s) AS h(data) ON true
              LEFT JOIN LATERAL (%(rule)s) AS r(data) ON true
              LEFT JOIN LATERAL (
                    SELECT id, %(columns)s FROM coka_pbx_call
                     WHERE provider_id = %(provider)s AND provider_call_id = %(call)s
                       AND company_id = %(company)s
                       %(lock)s
              ) AS c ON true
              LEFT JOIN coka_pbx_extension e
                     ON e.number = %(extension)s AND e.company_id = %(company)s AND e.active
            %(order)s
            """,
            source=source,
            hotline=Hotline._coka_find_query(company, hotline_key)
            if hotline_key is not None
            else SQL("SELECT NULL::json"),
            partner=partner,
            rule=Hotline._coka_sticky_rule_query(SQL("(h.data->>0)::int"), customer_key)
            if hotline_key is not None and customer_key is not None
            else SQL("SELECT NULL::json"),
            columns=SQL(", ").join(SQL.identifier(name) for name in STATE_FIELDS),
            provider=provider.id,
            call=call_ref,
            company=company.id,
            extension=extension,
            lock=SQL("FOR UPDATE") if lock else SQL(),
            order=order or SQL(),
        )

    @api.model
    def _coka_event_row(self, row, hotline_key, customer_key):
        """``(state, extension, found)`` of a :meth:`_coka_event_query` row."""
        Hotline = self.env["coka.pbx.hotline"]
        extension = (row[0], row[1]) if row[0] else None
        found = {
            "hotline": Hotline._coka_from_row(row[2]) if hotline_key else None,
            "partner_id": row[3] if customer_key else None,
            "queued_call_id": row[5],
        }
        if row[2] and customer_key:
            found["sticky_rule"] = (row[2][0], customer_key, row[4])
        if row[6] is None:
            return None, extension, found
        return dict(zip(("id", *STATE_FIELDS), row[6:], strict=True)), extension, found

    @api.model
    def _coka_execute(self, query):
        """Run one ingestion statement; :return: its rows.

        A serialisation failure is expected under concurrency (two events of one call at
        once): Odoo replays the request, so it is not logged as an error.
        """
        self.env.flush_all()
        self.env.cr.execute(query, log_exceptions=False)
        return self.env.cr.fetchall() if self.env.cr.description else []

    @api.model
    def _coka_resolve_extension(self, values, extension):
        """Turn the extension number the fold chose into the extension and its agent; an
        unknown number changes nothing (the extension stays, with the event that gave it).

        :param dict values: from ``tools.cdr.fold_event``; ``extension`` is removed
        :param extension: ``(id, user id)`` of the event's extension, or ``None``
        :return: ``values``
        """
        if values.pop("extension", None) is None:
            return values
        if extension:
            values.update(extension_id=extension[0], user_id=extension[1])
        else:
            values.pop("extension_date", None)
            values.pop("extension_answered", None)
        return values

    @api.model
    def _coka_insert_call(self, provider, company, event, values, reserved_call_id=None):
        """Claim the event and insert its new call with ``values``, in one statement.

        The event row is inserted first, as the call's first event (``call_ref``), with
        ``reserved_call_id`` or a call id taken from the calls' sequence; the call is
        inserted with that id only when the claim succeeded. Two deliveries of one event,
        or two events of a new call (one of them queued, :meth:`_coka_queue_event`), at
        once: the second waits for the first on a unique key, then gets a serialisation
        error (repeatable read) and Odoo replays its request, which finds the call (and,
        for the same event, claims nothing).

        :return: ``(call, panel row)``: the new call and its :meth:`_coka_panel_sql`
            array, or an empty recordset and ``None`` for a repeated event
        """
        values = {
            **values,
            "provider_id": provider.id,
            "provider_call_id": event["call_id"],
            "company_id": company.id,
            "direction": event["direction"],
        }
        columns, expressions = self._coka_row_sql(values, values)
        panel, joins = self._coka_panel_sql()
        rows = self._coka_execute(
            SQL(
                """
                WITH claim AS (
                    INSERT INTO coka_pbx_event (provider_id, event_ref, event, received_date,
                                                call_id, state, call_ref)
                    VALUES (%(provider)s, %(ref)s, %(kind)s, now() at time zone 'UTC',
                            COALESCE(%(reserved)s, nextval('coka_pbx_call_id_seq')), 'done',
                            %(call_ref)s)
                    ON CONFLICT DO NOTHING
                    RETURNING call_id
                ), c AS (
                    INSERT INTO coka_pbx_call (id, create_uid, create_date, %(columns)s)
                    SELECT claim.call_id, %(uid)s, now() at time zone 'UTC', %(expressions)s
                      FROM claim
                    ON CONFLICT (provider_id, provider_call_id, company_id) DO NOTHING
                    RETURNING *
                )
                SELECT c.id, c.too_long, c.customer_type, %(panel)s FROM c %(joins)s
                """,
                provider=provider.id,
                ref=event["event_id"],
                kind=event["event"],
                reserved=reserved_call_id,
                call_ref=event["call_id"],
                uid=self.env.uid,
                columns=columns,
                expressions=expressions,
                panel=panel,
                joins=joins,
            )
        )
        if not rows:
            return self.browse(), None
        call_id, too_long, customer_type, panel_row = rows[0]
        call = self.browse(call_id)
        call._coka_cache_new_row(values, too_long, customer_type)
        return call, panel_row

    def _coka_cache_new_row(self, values, too_long, customer_type):
        """Put a call just inserted by SQL in the cache: ``values``, the computed fields its
        statement returned, and the other :data:`STATE_FIELDS` unset."""
        self.ensure_one()
        cached = dict.fromkeys(STATE_FIELDS, False)
        cached.update(values, too_long=too_long, customer_type=customer_type)
        self._update_cache(cached, validate=False)

    def _coka_update_row(self, values, state):
        """Write ``values`` on the call in one statement, with its stored computed fields.

        :return: the call's :meth:`_coka_panel_sql` array after the write
        """
        self.ensure_one()
        panel, joins = self._coka_panel_sql()
        if not values:
            return None
        columns, expressions = self._coka_row_sql(values, {**state, **values})
        [(too_long, customer_type, panel_row)] = self._coka_execute(
            SQL(
                """
                WITH c AS (
                    UPDATE coka_pbx_call SET (%s) = ROW(%s) WHERE id = %s RETURNING *
                )
                SELECT c.too_long, c.customer_type, %s FROM c %s
                """,
                columns,
                expressions,
                self.id,
                panel,
                joins,
            )
        )
        self._update_cache(
            {**values, "too_long": too_long, "customer_type": customer_type}, validate=False
        )
        return panel_row

    @api.model
    def _coka_row_sql(self, values, merged):
        """Columns and value expressions of a call row, each joined, for ``INSERT`` and
        ``UPDATE``: ``values``, then ``write_uid`` / ``write_date`` and the stored computed
        fields (:meth:`_coka_computed_sql`) of ``merged``, the call after the write."""
        names = [*values, "write_uid", "write_date", *COMPUTED_FIELDS]
        expressions = [
            *(SQL("%s", self._coka_column_value(name, value)) for name, value in values.items()),
            SQL("%s", self.env.uid),
            SQL("now() at time zone 'UTC'"),
            *self._coka_computed_sql(
                SQL("%s", merged.get("talk_seconds") or 0),
                SQL("%s", merged.get("hotline_id") or None),
                SQL("%s", merged.get("partner_id") or None),
            ),
        ]
        return (
            SQL(", ").join(SQL.identifier(name) for name in names),
            SQL(", ").join(expressions),
        )

    @api.model
    def _coka_column_value(self, name, value):
        """The column value of field ``name``'s cache value (``False`` is NULL but for a
        boolean)."""
        return None if value is False and self._fields[name].type != "boolean" else value

    @api.model
    def _coka_computed_sql(self, talk_seconds, hotline_id, partner_id):
        """The stored computed fields the ORM would recompute on a call row written by SQL
        (:data:`COMPUTED_FIELDS`), as expressions over the row's talk time, hotline and
        contact (SQL): ``too_long`` (talk time against the hotline's limit, as
        :meth:`_compute_too_long`) and ``customer_type`` (the contact's type)."""
        return [
            SQL(
                "COALESCE((SELECT h.too_long_minutes > 0 AND %s > h.too_long_minutes * 60"
                " FROM coka_pbx_hotline h WHERE h.id = %s), false)",
                talk_seconds,
                hotline_id,
            ),
            SQL("(SELECT p.coka_customer_type FROM res_partner p WHERE p.id = %s)", partner_id),
        ]

    @api.model
    def _coka_lock_call(self, provider, event):
        """Find or create the call of an event, locked until the transaction ends.

        ``INSERT ... ON CONFLICT DO NOTHING`` then ``SELECT ... FOR UPDATE``: two events of a
        new call arriving at once create one call; the loser of the race gets a
        serialisation error and Odoo replays its request.

        :return: ``(call, created)``
        """
        cr = self.env.cr
        cr.execute(
            """
            INSERT INTO coka_pbx_call (
                provider_id, provider_call_id, company_id, direction, status, start_date,
                create_uid, write_uid, create_date, write_date)
            VALUES (%s, %s, %s, %s, 'ringing', %s, %s, %s,
                    now() at time zone 'UTC', now() at time zone 'UTC')
            ON CONFLICT (provider_id, provider_call_id, company_id) DO NOTHING
            RETURNING id
            """,
            [
                provider.id,
                event["call_id"],
                provider.company_id.id,
                event["direction"],
                event["timestamp"],
                self.env.uid,
                self.env.uid,
            ],
            # A serialisation failure here is expected under concurrency and is retried.
            log_exceptions=False,
        )
        row = cr.fetchone()
        if row:
            return self.browse(row[0]), True
        cr.execute(
            """
            SELECT id FROM coka_pbx_call
             WHERE provider_id = %s AND provider_call_id = %s AND company_id = %s
               FOR UPDATE
            """,
            [provider.id, event["call_id"], provider.company_id.id],
            log_exceptions=False,
        )
        return self.browse(cr.fetchone()[0]), False

    def _coka_prepare_event_vals(self, provider, event, state, found=None):
        """Hotline, numbers and customer of the call, filled as events tell them.

        Hook for other modules.

        :param provider: the ``coka.pbx.provider``, in its company
        :param dict event: the parsed event
        :param dict state: what the call holds (:meth:`_coka_locked_state`); empty for a
            new call, and ``self`` is then an empty recordset
        :param dict found: the event's hotline and contact as :meth:`_coka_locked_state`
            read them; looked up here when not given
        :return: dict of call field values
        """
        values = {}
        company = provider.env.company
        found = found or {}
        if not state.get("hotline_id") and event["hotline"]:
            hotline = found.get("hotline")
            if hotline is None:
                hotline = self.env["coka.pbx.hotline"]._coka_find(company, event["hotline"])
            if hotline:
                values["hotline_id"] = hotline.id
        if not state.get("from_number") and event["from"]:
            values["from_number"] = event["from"]
        if not state.get("to_number") and event["to"]:
            values["to_number"] = event["to"]
        if not state.get("customer_number"):
            number = cdr.customer_number(event)
            key = phone.to_e164(number)
            values["customer_number"] = key or number or None
            if key and not state.get("partner_id"):
                partner = self._coka_find_or_register_partner(
                    company, key, event["direction"], partner_id=found.get("partner_id", False)
                )
                values["partner_id"] = partner.id or None
        return values

    @api.model
    def _coka_find_or_register_partner(self, company, key, direction, partner_id=False):
        """The contact of a number; unknown inbound callers become contacts (SPEC PBX-5).

        :param int partner_id: the contact already found for ``key`` (``None``: none was
            found; ``False``: not looked up yet)
        """
        Partner = self.env["res.partner"].with_company(company)
        if partner_id is False:
            partner = Partner._coka_search_phone(key, limit=1, company=company)
        else:
            partner = Partner.browse(partner_id or [])
        if partner or direction != "inbound" or not company.coka_auto_register_callers:
            return partner
        display = phone.to_display(key)
        lang = company.partner_id.lang or self.env.lang
        name = self.with_context(lang=lang).env._("Customer %(number)s", number=display)
        field = "mobile" if phone.is_mobile(key) else "phone"
        return Partner.create(
            {
                "name": name,
                field: display,
                "coka_customer_type": "prospect",
                "coka_source": "phone",
                "company_id": company.id,
            }
        )

    def _coka_on_call_ended(self, found_by_call=None):
        """After ``call.ended``, in the transaction that wrote the end: what routing reads
        next, that is when the agents were last busy (longest idle) and the sticky-agent
        rules. For many calls at once (the queued calls' job), each agent's idle time is
        moved once and the rules' touches are one statement.

        The rest waits for :meth:`_cron_coka_after_call` (``after_call_due``).

        :param dict found_by_call: call id -> what :meth:`_coka_locked_state` read for
            its event
        """
        found_by_call = found_by_call or {}
        ends = {}
        touches = []
        for call in self:
            if call.extension_id and call.end_date:
                extension = call.extension_id
                ends[extension] = max(ends.get(extension, call.end_date), call.end_date)
            call._coka_sticky_remember(found_by_call.get(call.id), touches)
        for extension, moment in ends.items():
            extension._coka_note_call_end(moment)
        self.env["coka.pbx.hotline"]._coka_sticky_touch(touches)

    def _coka_after_call(self):
        """The after-call work of ended calls: the note on the contact's chatter (CON-6),
        the QA score (REP-5) and the too-long review (REP-3); then they are no longer due.

        Hook for other modules' after-call work, done in batches by the background job.
        """
        self._coka_log_on_contacts()
        self._coka_score_qa()
        self._coka_schedule_too_long_review()
        # sudo: the flag is the system's bookkeeping.
        self.sudo().write({"after_call_due": False})

    @api.model
    def _cron_coka_after_call(self, batch=500, limit=50000):
        """Do the after-call work of the calls that ended, oldest first, in batches.

        Each batch is claimed with ``FOR UPDATE SKIP LOCKED``: a call whose webhook is still
        in its transaction, or that another run of the job holds, is left for later, so two
        runs never do one call twice. One transaction per batch outside tests.

        :param int batch: calls in one transaction
        :param int limit: calls in one run at most
        :return: the number of calls done
        """
        done = conflicts = 0
        while done < limit:
            ids = self._coka_claim_after_call(min(batch, limit - done))
            if ids is None:
                # Another run committed some of these calls after this transaction's snapshot
                # (repeatable read): claim again in a new transaction, a few times at most.
                conflicts += 1
                if modules.module.current_test or conflicts > 3:
                    break
                self.env.cr.rollback()
                continue
            if not ids:
                break
            calls = self.browse(ids).with_context(tracking_disable=True, mail_notrack=True)
            calls._coka_after_call()
            done += len(ids)
            if not modules.module.current_test:
                self.env.cr.commit()  # pylint: disable=invalid-commit
        return done

    @api.model
    def _coka_claim_after_call(self, size):
        """Lock up to ``size`` calls due for their after-call work, oldest first, skipping
        those another transaction holds.

        :return: their ids, or ``None`` when one of them was changed by a transaction that
            committed after this one's snapshot (a serialisation failure, rolled back to a
            savepoint: the transaction goes on)
        """
        self.env.flush_all()
        try:
            with self.env.cr.savepoint(flush=False):
                self.env.cr.execute(
                    SQL(
                        """
                        SELECT id FROM coka_pbx_call
                         WHERE after_call_due IS NOT NULL
                         ORDER BY after_call_due, id
                         LIMIT %s
                           FOR UPDATE SKIP LOCKED
                        """,
                        size,
                    ),
                    log_exceptions=False,
                )
                return [row[0] for row in self.env.cr.fetchall()]
        except errors.SerializationFailure:
            return None

    # Reports: too-long review and QA score (SPEC REP-3, REP-5) ---------------------------

    def _coka_schedule_too_long_review(self):
        """Schedule, once per call, the review of an ended too-long call for the company's
        reviewer (Settings > Call Center), as an activity on the call.

        Idempotent: the call remembers it (``too_long_review_scheduled``), so an ended event
        delivered again, or another one, schedules nothing more.
        """
        for call in self:
            if not call.too_long or call.too_long_review_scheduled:
                continue
            reviewer = call.company_id.coka_review_user_id
            if not reviewer:
                continue
            activity_type = self.env.ref("coka_pbx.mail_activity_type_coka_too_long_review")
            minutes, seconds = divmod(call.talk_seconds or 0, 60)
            lang = reviewer.lang or self.env.lang
            # sudo: the PBX reports the call; the reviewer is the company's choice.
            call.sudo().with_context(lang=lang, mail_activity_quick_update=True).activity_schedule(
                activity_type_id=activity_type.id,
                user_id=reviewer.id,
                note=call.with_context(lang=lang).env._(
                    "Talk time %(minutes)d:%(seconds)02d is over the limit of the hotline "
                    "%(hotline)s (%(limit)s min).",
                    minutes=minutes,
                    seconds=seconds,
                    hotline=call.hotline_id.display_name or "",
                    limit=call.hotline_id.too_long_minutes,
                ),
            )
            call.sudo().too_long_review_scheduled = True

    def _coka_on_demo_calls_ended(self):
        """Demo data: the reports of calls created ended (QA score, too-long review)."""
        self._coka_score_qa()
        self._coka_schedule_too_long_review()

    def _coka_qa_facts(self):
        """What the QA rules read of the call (``tools.qa.rule_fraction``)."""
        self.ensure_one()
        return {
            "talk_seconds": self.talk_seconds,
            "ring_seconds": self.ring_seconds,
            "hold_seconds": self.hold_seconds,
            "too_long": self.too_long,
            "note": self.note,
            "transcript": self.transcript,
        }

    def _coka_score_qa(self):
        """Score the answered, ended calls of ``self`` with their company's current rules
        (SPEC REP-5); the others keep no score. The rules are read once per company."""
        rules_by_company = {}
        Rule = self.env["coka.pbx.qa.rule"]
        for call in self:
            if call.status != "answered" or not call.end_date:
                continue
            company = call.company_id
            if company not in rules_by_company:
                rules_by_company[company] = Rule._coka_rules_data(company)
            value, breakdown = qa.score(rules_by_company[company], call._coka_qa_facts())
            # sudo: the score is the system's, never the agent's to set.
            call.sudo().write(
                {"qa_score": value if value is not None else False, "qa_breakdown": breakdown}
            )

    def write(self, vals):
        result = super().write(vals)
        if "note" in vals:
            # The note is an input of the QA rules (written, required phrases...).
            self._coka_score_qa()
        return result

    def _coka_timeline_text(self):
        """The line of the contact's chatter about this call that ended (SPEC CON-6)."""
        self.ensure_one()
        directions = dict(self._fields["direction"]._description_selection(self.env))
        statuses = dict(self._fields["status"]._description_selection(self.env))
        minutes, seconds = divmod(self.talk_seconds or 0, 60)
        return self.env._(
            "%(direction)s call %(number)s: %(status)s, talk time %(minutes)d:%(seconds)02d"
            " (agent: %(agent)s).",
            direction=directions.get(self.direction, ""),
            number=self.customer_number or "",
            status=statuses.get(self.status, ""),
            minutes=minutes,
            seconds=seconds,
            agent=self.user_id.name or self.env._("none"),
        )

    def _coka_log_on_contacts(self):
        """Log the ended calls on their contacts' chatter, in one batch."""
        self.env["res.partner"]._coka_log_timeline(
            (
                call.partner_id.id,
                # In the agent's language: the agents read the contact's chatter.
                call.with_context(lang=call.user_id.lang or self.env.lang)._coka_timeline_text(),
                call.user_id.partner_id.id,
            )
            for call in self
            if call.partner_id
        )

    def _coka_sticky_remember(self, found=None, touches=None):
        """Remember the agent of a finished call for its customer (SPEC STK-2).

        :param dict found: what :meth:`_coka_locked_state` read; its ``sticky_rule`` is used
            when it is this call's hotline and customer
        :param list touches: given, a touch of an existing rule is added to it for
            ``coka.pbx.hotline._coka_sticky_touch`` rather than written here
        """
        self.ensure_one()
        hotline = self.hotline_id or self.extension_id.hotline_id
        if not (hotline and self.customer_number and self.customer_number.startswith("+")):
            return None
        if not sticky.is_rememberable(
            self.direction,
            self.status,
            bool(self.extension_id),
            hotline.sticky_remember_unanswered_outbound,
        ):
            return None
        rule_row = False
        read = (found or {}).get("sticky_rule")
        if read and read[:2] == (hotline.id, self.customer_number):
            rule_row = read[2]
        return hotline._coka_sticky_remember(
            self.customer_number,
            self.extension_id,
            self.end_date or fields.Datetime.now(),
            rule_row=rule_row,
            touches=touches,
        )

    # Click-to-call and call control (SPEC PBX-8) -----------------------------------------

    @api.model
    def _coka_check_contactable(self, number_e164, partner):
        """Refuse numbers that must not be called: those on the Do Not Contact list (Odoo's
        ``phone.blacklist``, SPEC LEAD-4). A hook for the modules that keep other rules.

        :raise UserError: with the reason
        """
        return self.env["phone.blacklist"]._coka_check_contactable([number_e164])

    @api.model
    def _coka_agent_extension(self):
        """The extension the current user calls from; clear errors when he cannot call."""
        user = self.env.user
        if user.coka_agent_status != "on":
            raise UserError(self.env._("Your status is OFF: switch it ON to make calls."))
        extensions = user.coka_extension_ids.filtered("active")
        if not extensions:
            raise UserError(self.env._("You have no extension: ask a manager to give you one."))
        extension = extensions._coka_filter_routable()[:1]
        if not extension:
            raise UserError(
                extensions._coka_unroutable_reason()
                or self.env._("Your extension cannot make calls at the moment.")
            )
        return extension

    @api.model
    def _coka_originate(self, number, partner=None):
        """Call ``number`` from the current agent's extension (SPEC PBX-8).

        :param str number: the customer's number in any usual form
        :param partner: the ``res.partner`` called, found from the number when not given
        :return: the new outbound ``coka.pbx.call``
        """
        extension = self._coka_agent_extension()
        key = phone.to_e164(number)
        if not key:
            raise UserError(
                self.env._("%(number)s is not a valid phone number.", number=number or "")
            )
        partner = partner or self.env["res.partner"]._coka_search_phone(key, limit=1)
        self._coka_check_contactable(key, partner)
        company = extension.company_id
        hotline = extension.hotline_id or company._coka_default_hotline()
        provider = hotline.provider_id
        if not provider:
            raise UserError(self.env._("No PBX provider carries the calls of this extension."))
        client = provider._coka_client()
        try:
            provider_call_id = client.originate(
                extension.number, key, hotline.number_e164, reference=self.env.user.login
            )
        except ProviderError as error:
            raise provider._coka_user_error(error) from None
        event = {
            "call_id": provider_call_id,
            "direction": "outbound",
            "timestamp": fields.Datetime.now(),
        }
        # sudo: agents do not create call records themselves; the PBX may also report
        # this call before we commit, so the row is claimed like a webhook claims it.
        call, _created = self.sudo()._coka_lock_call(provider.with_company(company), event)
        call.write(
            {
                "hotline_id": hotline.id,
                "extension_id": extension.id,
                "user_id": self.env.user.id,
                "from_number": extension.number,
                "to_number": phone.to_display(key),
                "customer_number": key,
                "partner_id": partner.id if partner else False,
            }
        )
        call = call.sudo(False)
        # The panel opens from this notification, in every tab of the agent.
        self.env.user._bus_send("coka_pbx/call_state", call._coka_panel_data())
        return call

    def _coka_panel_data(self):
        """What the agent's call panel shows, sent over the bus and by the JSON routes.

        ``status`` is the call's; ``needs_wrapup`` tells the panel it cannot close before a
        note; dates are UTC ISO strings (``False`` when unset).
        """
        self.ensure_one()
        partner = self.partner_id
        return self._coka_panel_payload(
            {
                "provider_call_id": self.provider_call_id,
                "status": self.status,
                "direction": self.direction,
                "customer_number": self.customer_number,
                "partner_id": partner.id,
                "partner_name": partner.name,
                "customer_type": partner.coka_customer_type,
                "extension": self.extension_id.number,
                "start_date": self.start_date,
                "answer_date": self.answer_date,
                "end_date": self.end_date,
                "held": self.held,
                "muted": self.muted,
                "note": self.note,
            }
        )

    @api.model
    def _coka_recent_calls(self, limit):
        """The last calls of the current agent, newest first, for the dial pad's call back.

        :param int limit: how many
        :return: a list of ``{"id", "number", "partner", "direction", "status", "date"}``
        """
        calls = self.search(
            [("user_id", "=", self.env.uid), ("customer_number", "!=", False)], limit=limit
        )
        return [
            {
                "id": call.id,
                "number": call.customer_number,
                "partner": {"id": call.partner_id.id, "name": call.partner_id.name}
                if call.partner_id
                else None,
                "direction": call.direction,
                "status": call.status,
                "date": fields.Datetime.to_string(call.start_date) if call.start_date else None,
            }
            for call in calls
        ]

    def _coka_check_actor(self, message):
        """Agents act on their own calls only; managers on every call they can read.

        :param str message: the reason given to another agent
        :raise UserError: with ``message``
        """
        self.ensure_one()
        self.check_access("read")
        if self.user_id != self.env.user and not self.env.user.has_group("coka_pbx.group_manager"):
            raise UserError(message)

    def _coka_check_controller(self):
        self.ensure_one()
        self._coka_check_actor(self.env._("Only the agent on the call can control it."))
        if self.status not in ("ringing", "in_progress"):
            raise UserError(self.env._("This call is over."))
        if not self.provider_id or not self.provider_call_id:
            raise UserError(self.env._("This call is not known to the PBX."))

    def _coka_control(self, action, argument=None):
        """Hold, unhold, mute, unmute, transfer, send DTMF or hang up (SPEC PBX-8).

        :param str action: one of the names above (``dtmf``, ``transfer``, ``hangup``...)
        :param str argument: digits for ``dtmf``, an extension number for ``transfer``
        :return: ``True``
        """
        self._coka_check_controller()
        client = self.provider_id._coka_client()
        flags = {
            "hold": {"held": True},
            "unhold": {"held": False},
            "mute": {"muted": True},
            "unmute": {"muted": False},
        }
        try:
            if action in flags:
                getattr(client, action)(self.provider_call_id)
                # sudo: agents cannot write calls; the PBX has just applied the action on
                # a call _coka_check_controller allowed this user to control.
                self.sudo().write(flags[action])
            elif action == "hangup":
                client.hangup(self.provider_call_id)
            elif action == "dtmf":
                client.send_dtmf(self.provider_call_id, argument or "")
            elif action == "transfer":
                target = self.env["coka.pbx.extension"].search(
                    [("number", "=", argument or ""), ("company_id", "=", self.company_id.id)],
                    limit=1,
                )
                if not target:
                    raise UserError(
                        self.env._("There is no extension %(number)s.", number=argument or "")
                    )
                client.transfer(self.provider_call_id, target.number)
            else:
                raise UserError(self.env._("Unknown call action %(action)s.", action=action))
        except ProviderError as error:
            raise self.provider_id._coka_user_error(error) from None
        return True

    def _coka_save_note(self, note):
        """Save the wrap-up note: on the call, and on the customer's chatter (SPEC PBX-8, PBX-9).

        :param str note: what the agent wrote
        """
        self.ensure_one()
        note = (note or "").strip()
        if not note:
            raise UserError(self.env._("Write a note before closing the call."))
        self._coka_check_actor(self.env._("Only the agent on the call can write its note."))
        # sudo: agents cannot write calls; the note is the one field the wrap-up sets, on a
        # call checked above to be this agent's.
        self.sudo().note = note
        body = self.env._(
            "Call note (%(direction)s, %(number)s): %(note)s",
            direction=dict(self._fields["direction"].selection)[self.direction],
            number=self.customer_number or "",
            note=note,
        )
        for record in self._coka_note_targets():
            # sudo: agents may read contacts without the right to post on them.
            record.sudo().message_post(
                body=html_escape(body),
                author_id=self.env.user.partner_id.id,
                message_type="comment",
                subtype_xmlid="mail.mt_note",
            )
        return True

    @api.model
    def _coka_linkable_fields(self):
        """The fields an agent may set on his own call, each to a record he can read.

        Hook: the leads module adds ``lead_id``.
        """
        return ["partner_id"]

    def _coka_link(self, links):
        """Link the call to records that exist: its contact (and, with the leads module, a
        lead). Used by the wrap-up (*Save Note*) and ``/coka_pbx/call/<id>/link``.

        :param dict links: field name (``_coka_linkable_fields``) -> record id, or ``False``
            to remove the link
        """
        self.ensure_one()
        self._coka_check_actor(self.env._("Only the agent on the call can link it."))
        allowed = self._coka_linkable_fields()
        values = {}
        for name, record_id in links.items():
            if name not in allowed:
                raise UserError(self.env._("A call cannot be linked by %(field)s.", field=name))
            if record_id is False or record_id is None:
                values[name] = False
                continue
            if isinstance(record_id, bool) or not isinstance(record_id, int):
                raise UserError(
                    self.env._("%(field)s must be a record id.", field=self._fields[name].string)
                )
            record = self.env[self._fields[name].comodel_name].browse(record_id).exists()
            if not record:
                raise UserError(
                    self.env._(
                        "There is no %(field)s with id %(id)s.",
                        field=self._fields[name].string,
                        id=record_id,
                    )
                )
            record.check_access("read")
            values[name] = record.id
        # sudo: agents cannot write calls; these links were checked above (his own call,
        # records that exist and that he may read).
        self.sudo().write(values)
        return True

    def _coka_note_targets(self):
        """Records whose chatter gets the note, as a list (they may be of several models).

        Hook: the leads module adds the lead of the call.
        """
        return list(self.partner_id)

    def action_coka_hold(self):
        return self._coka_control("hold")

    def action_coka_unhold(self):
        return self._coka_control("unhold")

    def action_coka_mute(self):
        return self._coka_control("mute")

    def action_coka_unmute(self):
        return self._coka_control("unmute")

    def action_coka_hangup(self):
        return self._coka_control("hangup")

    def action_coka_save_note(self):
        """Open the wrap-up: the note, and the contact the call is linked to."""
        self.ensure_one()
        self._coka_check_actor(self.env._("Only the agent on the call can write its note."))
        context = {"default_call_id": self.id, "default_note": self.note}
        for name in self._coka_linkable_fields():
            context[f"default_{name}"] = self[name].id
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Save Note"),
            "res_model": "coka.pbx.call.note",
            "view_mode": "form",
            "target": "new",
            "context": context,
        }

    def action_coka_fetch_recording(self):
        """Download the recording from the PBX into an attachment of the call."""
        for call in self:
            if not (call.provider_id and call.provider_call_id):
                continue
            try:
                content = call.provider_id._coka_client().fetch_recording(call.provider_call_id)
            except ProviderError as error:
                raise call.provider_id._coka_user_error(error) from None
            attachment = (
                self.env["ir.attachment"]
                .sudo()
                .create(
                    {
                        "name": f"{call.provider_call_id}.mp3",
                        "raw": content,
                        "mimetype": "audio/mpeg",
                        "res_model": call._name,
                        "res_id": call.id,
                    }
                )
            )
            # sudo: the recording is the PBX's; fetching it is allowed to whoever reads the call.
            call.sudo().write(
                {
                    "recording_attachment_id": attachment.id,
                    "recording_fetch_error": False,
                    "recording_fetch_failed": False,
                    "recording_fetch_next_date": False,
                }
            )
        return True

    def action_coka_download_recording(self):
        """Download the recording through ``/coka_pbx/call/<id>/recording``, which marks it
        downloaded by the user (SPEC REP-4)."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_url",
            "url": f"/coka_pbx/call/{self.id}/recording?download=1",
            "target": "self",
        }

    def _coka_recording_stream(self, download=False):
        """The recording of the call, for the user who may read the call (SPEC REP-4).

        Fetched from the provider first when it was not yet (``action_coka_fetch_recording``);
        a download marks the call downloaded, by whom and when.

        :param bool download: the user downloads the file (rather than plays it)
        :return: an ``odoo.http.Stream`` (range requests are served by its response)
        :raise AccessError: the user may not read the call
        :raise UserError: the call has no recording (any more)
        """
        self.ensure_one()
        self.check_access("read")
        if self.recording_removed:
            raise UserError(self.env._("The recording was deleted after the retention period."))
        if not self.recording_attachment_id:
            if not self.recording_url:
                raise UserError(self.env._("This call has no recording."))
            self.action_coka_fetch_recording()
        if download:
            # sudo: agents cannot write calls; the download itself is what sets the flag,
            # for a user checked above to read the call.
            self.sudo().write(
                {
                    "recording_downloaded": True,
                    "recording_downloaded_by_id": self.env.user.id,
                    "recording_downloaded_date": fields.Datetime.now(),
                }
            )
        # sudo: the attachment is the call's, which the user may read (checked above).
        attachment = self.sudo().recording_attachment_id
        return self.env["ir.binary"]._get_stream_from(attachment, default_mimetype="audio/mpeg")

    @api.model
    def _cron_coka_purge_recordings(self, batch=1000):
        """Delete the recordings older than the retention of Settings (days; 0 keeps them
        forever); the calls stay, marked *Recording Removed*. One batch per run; the cron
        is run again at once while some are left (``ir.cron._notify_progress``).

        :return: the number of calls whose recording was removed
        """
        param = (
            self.env["ir.config_parameter"]
            .sudo()
            .get_param("coka_pbx.recording_retention_days", "0")
        )
        try:
            days = int(param)
        except ValueError:
            _logger.warning("Recording retention %r is not a number of days: kept.", param)
            return 0
        if days <= 0:
            return 0
        limit = fields.Datetime.now() - timedelta(days=days)
        domain = [
            ("start_date", "<", limit),
            ("recording_removed", "=", False),
            "|",
            ("recording_attachment_id", "!=", False),
            ("recording_url", "!=", False),
        ]
        Call = self.sudo()
        calls = Call.search(domain, order="id", limit=batch)
        attachments = calls.recording_attachment_id
        calls.write({"recording_removed": True, "recording_attachment_id": False})
        attachments.unlink()
        # More than a batch: Odoo's cron runs the job again soon for the rest.
        remaining = Call.search_count(domain) if len(calls) == batch else 0
        self.env["ir.cron"]._notify_progress(done=len(calls), remaining=remaining)
        return len(calls)

    @api.model
    def _coka_recording_fetch_domain(self, now):
        """Calls whose announced recording the background job fetches at ``now``."""
        return [
            ("recording_url", "!=", False),
            ("recording_attachment_id", "=", False),
            ("recording_fetch_failed", "=", False),
            ("recording_removed", "=", False),
            "|",
            ("recording_fetch_next_date", "=", False),
            ("recording_fetch_next_date", "<=", now),
        ]

    def _coka_try_fetch_recording(self):
        """Fetch the recording once; a failure is counted with its reason, and the next
        attempt waits longer (``tools.retry``) until the bound marks the call failed.

        :return: ``True`` when the recording was saved
        """
        self.ensure_one()
        try:
            with self.env.cr.savepoint():
                self.action_coka_fetch_recording()
        except Exception as error:  # any failure counts, and none stops the job
            attempts = self.recording_fetch_attempts + 1
            failed = retry.gives_up(attempts)
            _logger.warning(
                "Recording of call %s not fetched (attempt %s%s): %s",
                self.id,
                attempts,
                ", giving up" if failed else "",
                error,
            )
            self.write(
                {
                    "recording_fetch_attempts": attempts,
                    "recording_fetch_error": str(error)[:500],
                    "recording_fetch_failed": failed,
                    "recording_fetch_next_date": False
                    if failed
                    else fields.Datetime.now() + retry.next_delay(attempts),
                }
            )
            return False
        return True

    @api.model
    def _cron_coka_fetch_recordings(self, batch=50):
        """Fetch announced recordings, oldest call first, in batches.

        One failure does not stop the others, and a call stops being fetched after
        ``tools.retry.RECORDING_FETCH_MAX_ATTEMPTS`` failures (filter *Recording Fetch
        Failed* of the call list).

        :param int batch: calls tried in one run
        :return: the number of calls tried
        """
        calls = self.search(
            self._coka_recording_fetch_domain(fields.Datetime.now()), order="id", limit=batch
        )
        for call in calls:
            call._coka_try_fetch_recording()
            if not modules.module.current_test:
                # One transaction per call: a saved recording or a counted failure is kept
                # even if a later call stops the job, so no call is retried without end.
                self.env.cr.commit()  # pylint: disable=invalid-commit
        return len(calls)
