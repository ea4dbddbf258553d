"""PERF-2 / REL-2: completed-call webhooks from several database cursors at once never
conflict, neither for calls of different agents nor for calls of one agent; the job that
writes the queued calls, run by Odoo's cron when the webhook wakes it, writes them.

Real concurrent transactions on the test database (committed, like parallel HTTP requests):
every transaction takes its snapshot first, then they all ingest their ``call.ended`` at
once and commit. A serialisation failure is counted and retried the way Odoo's request
handler retries it (``odoo.service.model.retrying``).
"""

import json
import threading
import time
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from psycopg2 import errors

import odoo
from odoo import SUPERUSER_ID, api

from odoo.addons.coka_pbx.tools import signature

WORKERS = 6
SECRET = "concurrency-secret"


def _registry():
    return odoo.modules.registry.Registry(odoo.tools.config["db_name"])


def _world(agents):
    """A company of its own with a provider, a hotline and ``agents`` agents (committed).

    :return: ``(provider code, [extension numbers], [extension ids])``
    """
    tag = uuid.uuid4().hex[:8]
    with _registry().cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        company = env["res.company"].create({"name": f"Webhook concurrency {tag}"})
        code = f"conc-{tag}"
        env["coka.pbx.provider"].create(
            {"name": code, "code": code, "webhook_secret": SECRET, "company_id": company.id}
        )
        # Every company gets its default hotline when it is created: it gets its number.
        company._coka_default_hotline().number = "028 7300 4444"
        users = env["res.users"].create(
            [
                {
                    "name": f"Agent {tag} {index}",
                    "login": f"conc-{tag}-{index}",
                    "company_id": company.id,
                    "company_ids": [(6, 0, company.ids)],
                }
                for index in range(agents)
            ]
        )
        extensions = env["coka.pbx.extension"].create(
            [
                {"number": str(400 + index), "user_id": user.id, "company_id": company.id}
                for index, user in enumerate(users)
            ]
        )
        return code, extensions.mapped("number"), extensions.ids


def _ended(extension, index, ended_at):
    return {
        "event": "call.ended",
        "event_id": uuid.uuid4().hex,
        "call_id": uuid.uuid4().hex,
        "direction": "inbound",
        "hotline": "028 7300 4444",
        "from": f"0912 400 {index:03d}",
        "to": "028 7300 4444",
        "extension": extension,
        "timestamp": ended_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "status": "answered",
        "ring_seconds": 5,
        "talk_seconds": 60,
        "cost": None,
        "recording_url": None,
    }


def _headers(raw):
    stamp = str(int(time.time()))
    return {"X-Coka-Timestamp": stamp, "X-Coka-Signature": signature.sign(SECRET, stamp, raw)}


def _deliver(code, body, barrier, failures, answers, snapshot=True):
    raw = json.dumps(body).encode()
    headers = _headers(raw)
    first = True
    for _attempt in range(10):
        try:
            with _registry().cursor() as cr:
                if snapshot:
                    # The snapshot is taken before anyone commits, as in parallel requests.
                    cr.execute("SELECT 1")
                # Without it, the request's first statement is the webhook's, as in Odoo.
                if first:
                    first = False
                    barrier.wait()
                env = api.Environment(cr, SUPERUSER_ID, {})
                answers.append(
                    env["coka.pbx.provider"]._coka_receive(code, "webhook", headers, raw)
                )
            return
        except errors.SerializationFailure:
            failures.append(body["extension"])


def _at_once(code, bodies, snapshots=None):
    """Deliver ``bodies`` in parallel transactions, each with its snapshot taken before
    the others start unless ``snapshots`` (one boolean a body) says not.

    :return: ``(failures, answers)``
    """
    failures, answers = [], []
    barrier = threading.Barrier(len(bodies))
    threads = [
        threading.Thread(target=_deliver, args=(code, body, barrier, failures, answers, snapshot))
        for body, snapshot in zip(bodies, snapshots or [True] * len(bodies), strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    return failures, answers


def _apply_queue():
    """Run the queued calls' job in a transaction of its own, as the cron does."""
    with _registry().cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        return env["coka.pbx.call"]._cron_coka_apply_queued_events()


def _rows(query, params):
    with _registry().cursor() as cr:
        cr.execute(query, params)
        return cr.fetchall()


@pytest.fixture(autouse=True)
def _forget_remembered_rules():
    """The calls are committed and remembered: their sticky rules go, so that the suite's
    other tests see the rules they made (the companies and calls stay, as in the billing
    concurrency tests)."""
    yield
    with _registry().cursor() as cr:
        cr.execute(
            "DELETE FROM coka_pbx_sticky_rule WHERE hotline_id IN (SELECT h.id FROM "
            "coka_pbx_hotline h JOIN res_company c ON c.id = h.company_id "
            "WHERE c.name LIKE 'Webhook concurrency %')"
        )


def test_calls_of_different_agents_ending_at_once_never_conflict():
    code, numbers, extension_ids = _world(WORKERS)
    now = datetime.now(UTC).replace(microsecond=0)
    bodies = [_ended(number, index, now) for index, number in enumerate(numbers)]
    failures, answers = _at_once(code, bodies)
    assert failures == []
    assert sorted(status for status, _answer in answers) == [200] * WORKERS
    assert all(answer["queued"] for _status, answer in answers)
    assert _apply_queue() >= WORKERS
    ends = _rows(
        "SELECT last_call_end FROM coka_pbx_extension WHERE id IN %s", [tuple(extension_ids)]
    )
    assert [end for (end,) in ends] == [now.replace(tzinfo=None)] * WORKERS


def test_calls_of_one_agent_ending_at_once_never_conflict_and_keep_the_latest_end():
    code, numbers, extension_ids = _world(1)
    now = datetime.now(UTC).replace(microsecond=0)
    bodies = [_ended(numbers[0], index, now + timedelta(seconds=index)) for index in range(WORKERS)]
    failures, answers = _at_once(code, bodies)
    assert failures == []
    assert [status for status, _answer in answers] == [200] * WORKERS
    assert _apply_queue() >= WORKERS
    [(end,)] = _rows("SELECT last_call_end FROM coka_pbx_extension WHERE id = %s", extension_ids)
    assert end == (now + timedelta(seconds=WORKERS - 1)).replace(tzinfo=None)
    [(calls,)] = _rows(
        "SELECT count(*) FROM coka_pbx_call WHERE extension_id = %s AND status = 'answered'",
        extension_ids,
    )
    assert calls == WORKERS


def test_an_end_queued_while_its_ringing_is_applied_makes_one_call():
    """The first event of a new call applied at once and its ``call.ended`` queued, in
    parallel transactions: one waits for the other on the first-event key and is replayed
    or stores nothing; the call is written once, with both events, under the id both
    answers gave. The end is queued in the request's transaction, then (its statement the
    request's first, as in Odoo) alone in autocommit."""
    code, numbers, _extension_ids = _world(1)
    now = datetime.now(UTC).replace(microsecond=0)
    for index in range(8):
        ended = _ended(numbers[0], index, now + timedelta(seconds=30))
        ringing = {**ended, "event": "call.ringing", "event_id": uuid.uuid4().hex, "status": None}
        ringing["timestamp"] = now.strftime("%Y-%m-%dT%H:%M:%SZ")
        failures, answers = _at_once(code, [ringing, ended], [True, index < 4])
        assert len(failures) <= 1
        assert [status for status, _answer in answers] == [200, 200]
        assert len({answer["call_id"] for _status, answer in answers}) == 1
        _apply_queue()
        rows = _rows(
            "SELECT c.id, c.status, count(e.id), bool_and(e.state = 'done') FROM coka_pbx_call c"
            " JOIN coka_pbx_event e ON e.call_id = c.id WHERE c.provider_call_id = %s"
            " GROUP BY c.id, c.status",
            [ended["call_id"]],
        )
        assert rows == [(answers[0][1]["call_id"], "answered", 2, True)]


def test_a_lone_end_is_committed_by_its_own_statement():
    """Queued as the request's first statement, a lone end is stored and committed alone
    (autocommit, one round trip): a rollback of the request's transaction after it keeps
    it, and the job writes its call."""
    code, numbers, _extension_ids = _world(1)
    now = datetime.now(UTC).replace(microsecond=0)
    # The provider read once (it is cached in the worker, as under load).
    assert _at_once(code, [_ended(numbers[0], 901, now)])[0] == []
    body = _ended(numbers[0], 900, now)
    raw = json.dumps(body).encode()
    with _registry().cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        status, answer = env["coka.pbx.provider"]._coka_receive(code, "webhook", _headers(raw), raw)
        cr.rollback()
    assert (status, answer["queued"]) == (200, True)
    stored = "SELECT state, reserved_call_id FROM coka_pbx_event WHERE event_ref = %s"
    assert _rows(stored, [body["event_id"]]) == [("queued", answer["call_id"])]
    _apply_queue()
    call = "SELECT id, status FROM coka_pbx_call WHERE provider_call_id = %s"
    assert _rows(call, [body["call_id"]]) == [(answer["call_id"], "answered")]


def test_odoo_cron_runs_the_job_the_webhook_woke():
    """After the webhook's commit, its trigger is in ``ir_cron_trigger`` and the cron workers
    are notified (``LISTEN cron_trigger``); the job then runs as a cron worker runs it, and
    writes the calls that end while it runs, with the trigger check or without it (within
    ``QUEUE_WAKE_SKIP`` of this process's last check)."""
    code, numbers, _extension_ids = _world(1)
    db_name = odoo.tools.config["db_name"]
    registry = _registry()
    Event = registry["coka.pbx.event"]  # the registry's class: its wake memo
    Event._coka_wake_checked_at = float("-inf")  # the other tests' checks
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        cron_id = env.ref("coka_pbx.ir_cron_coka_apply_queued_events").id
        # The triggers of the other tests' queued calls, whose job they ran themselves.
        cr.execute("DELETE FROM ir_cron_trigger WHERE cron_id = %s", [cron_id])
    listener = odoo.sql_db.db_connect("postgres").cursor()
    listener._cnx.autocommit = True
    listener.execute("LISTEN cron_trigger")
    try:
        body = _ended(numbers[0], 0, datetime.now(UTC).replace(microsecond=0))
        failures, answers = _at_once(code, [body])
        assert failures == []
        [(status, answer)] = answers
        assert (status, answer["queued"]) == (200, True)
        deadline = time.monotonic() + 10
        while not listener._cnx.notifies and time.monotonic() < deadline:
            time.sleep(0.05)
            listener._cnx.poll()
        assert db_name in [notify.payload for notify in listener._cnx.notifies]
    finally:
        listener.close()
    assert _rows("SELECT count(*) FROM ir_cron_trigger WHERE cron_id = %s", [cron_id]) == [(1,)]
    IrCron = registry["ir.cron"]
    db = odoo.sql_db.db_connect(db_name)

    def run_job():
        with db.cursor() as cron_cr:
            job = IrCron._acquire_one_job(cron_cr, cron_id)
            assert job, "the trigger made the job ready"
            IrCron._process_job(db, cron_cr, job)

    runner = threading.Thread(target=run_job)
    runner.start()
    first = "SELECT id, status FROM coka_pbx_call WHERE provider_call_id = %s"
    deadline = time.monotonic() + 30
    while not _rows(first, [body["call_id"]]) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _rows(first, [body["call_id"]]) == [(answer["call_id"], "answered")]
    # Calls that end while the run goes on: the run writes them (it reads the queue until
    # nothing came for QUEUE_IDLE). The first comes right after this process checked the
    # trigger: no check, no trigger. The second comes with the check due: the trigger it
    # adds is newer than the run's start, so Odoo keeps it when the run ends.
    triggers = "SELECT id FROM ir_cron_trigger WHERE cron_id = %s"
    [(woken,)] = _rows(triggers, [cron_id])
    Event._coka_wake_checked_at = time.monotonic()
    later = _ended(numbers[0], 1, datetime.now(UTC).replace(microsecond=0))
    failures, [(status, later_answer)] = _at_once(code, [later])
    assert (failures, status, later_answer["queued"]) == ([], 200, True)
    assert _rows(triggers, [cron_id]) == [(woken,)]
    Event._coka_wake_checked_at = float("-inf")
    last = _ended(numbers[0], 2, datetime.now(UTC).replace(microsecond=0))
    failures, [(status, last_answer)] = _at_once(code, [last])
    assert (failures, status, last_answer["queued"]) == ([], 200, True)
    runner.join(60)
    assert not runner.is_alive()
    assert _rows(first, [later["call_id"]]) == [(later_answer["call_id"], "answered")]
    assert _rows(first, [last["call_id"]]) == [(last_answer["call_id"], "answered")]
    [(kept,)] = _rows(triggers, [cron_id])
    assert kept > woken
