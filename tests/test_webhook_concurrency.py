"""PERF-2 / REL-2: completed-call webhooks from several database cursors at once never
conflict, neither for calls of different agents nor for calls of one agent.

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


def _deliver(code, body, barrier, failures, answers):
    raw = json.dumps(body).encode()
    stamp = str(int(time.time()))
    headers = {"X-Coka-Timestamp": stamp, "X-Coka-Signature": signature.sign(SECRET, stamp, raw)}
    first = True
    for _attempt in range(10):
        try:
            with _registry().cursor() as cr:
                # The snapshot is taken before anyone commits, as in parallel requests.
                cr.execute("SELECT 1")
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


def _at_once(code, bodies):
    """Deliver ``bodies`` in parallel transactions. :return: ``(failures, answers)``"""
    failures, answers = [], []
    barrier = threading.Barrier(len(bodies))
    threads = [
        threading.Thread(target=_deliver, args=(code, body, barrier, failures, answers))
        for body in bodies
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    return failures, answers


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
    [(end,)] = _rows("SELECT last_call_end FROM coka_pbx_extension WHERE id = %s", extension_ids)
    assert end == (now + timedelta(seconds=WORKERS - 1)).replace(tzinfo=None)
    [(calls,)] = _rows(
        "SELECT count(*) FROM coka_pbx_call WHERE extension_id = %s AND status = 'answered'",
        extension_ids,
    )
    assert calls == WORKERS
