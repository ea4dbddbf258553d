"""MSG-3 / REL-3: two workers sending at once never send the same message; the sending
worker is killed in the middle of a batch, right after the
provider accepted a message and before the worker wrote so; a new worker finishes the batch
and every message reached the fake eSMS exactly once (the resent one carried the same
RequestId, which eSMS refused as a duplicate).

The workers are real processes (``coka.message._cron_send`` committing message by message)
on the test database; the fake eSMS runs in this process on a local socket.
"""

import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter

import odoo
from odoo import SUPERUSER_ID, api

from odoo.addons.coka_messaging.tests.fake_providers import FakeEsms

MESSAGES = 40
KILL_AT = 15  # the worker dies while eSMS answers the 15th message
WORKER = """
import sys
import odoo
from odoo import SUPERUSER_ID, api
odoo.tools.config.parse_config(["-c", sys.argv[1], "-d", sys.argv[2]])
registry = odoo.modules.registry.Registry(sys.argv[2])
with registry.cursor() as cr:
    env = api.Environment(cr, SUPERUSER_ID, {})
    env["coka.message"]._cron_send(batch_size=10, domain=[("provider_id", "=", int(sys.argv[3]))])
"""


def _registry():
    return odoo.modules.registry.Registry(odoo.tools.config["db_name"])


def _worker(provider_id):
    return subprocess.Popen(
        [
            sys.executable,
            "-c",
            WORKER,
            odoo.tools.config.rcfile,
            odoo.tools.config["db_name"],
            str(provider_id),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _world(fake):
    tag = uuid.uuid4().hex[:8]
    with _registry().cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        company = env["res.company"].create({"name": f"Crash test {tag}"})
        provider = env["coka.message.provider"].create(
            {
                "name": f"eSMS crash {tag}",
                "company_id": company.id,
                "provider_type": "esms",
                "api_url": fake.url,
                "esms_api_key": "key",
                "esms_secret_key": "secret",
            }
        )
        messages = env["coka.message"].create(
            [
                {
                    "channel": "sms",
                    "company_id": company.id,
                    "provider_id": provider.id,
                    "number": f"+8491{index:07d}",
                    "body": f"Crash {tag} {index}",
                }
                for index in range(MESSAGES)
            ]
        )
        return (
            provider.id,
            messages.ids,
            dict(zip(messages.ids, messages.mapped("idempotency_key"), strict=True)),
        )


def _states(ids):
    with _registry().cursor() as cr:
        cr.execute("SELECT id, state FROM coka_message WHERE id IN %s", [tuple(ids)])
        return dict(cr.fetchall())


def test_worker_killed_mid_batch_each_message_reaches_the_provider_once():
    fake = FakeEsms().start()
    held = threading.Event()
    count = Counter()

    def fault_for(_payload):
        count["send"] += 1
        if count["send"] == KILL_AT:
            held.set()
            return ("accept_then_sleep", 30)
        return None

    fake.fault_for = fault_for
    try:
        provider_id, ids, keys = _world(fake)
        first = _worker(provider_id)
        assert held.wait(120), "the worker never reached the held message"
        time.sleep(0.5)  # eSMS has accepted it; the worker waits for the answer
        os.kill(first.pid, signal.SIGKILL)
        first.wait(30)
        states = _states(ids)
        assert Counter(states.values())["sent"] == KILL_AT - 1, states
        assert len(fake.accepted) == KILL_AT
        for _attempt in range(3):  # a new worker (again if a lock was still being released)
            second = _worker(provider_id)
            assert second.wait(300) == 0
            if "queued" not in _states(ids).values():
                break
        states = _states(ids)
        assert set(states.values()) == {"sent"}, Counter(states.values())
        # Each message reached eSMS exactly once: every key accepted, none twice.
        assert set(fake.accepted) == set(keys.values())
        requests = Counter(payload["RequestId"] for *_rest, payload in fake.requests)
        held_key = keys[ids[KILL_AT - 1]]
        assert requests[held_key] == 2  # resent after the crash with the same RequestId
        assert all(n == 1 for key, n in requests.items() if key != held_key), requests
    finally:
        fake.stop()


def test_two_workers_at_once_never_send_the_same_message():
    fake = FakeEsms().start()
    first = []
    overlap = threading.Event()

    def hold_the_first(payload):
        # The first request is answered only once another message is requested: by the
        # other worker, since this one waits for its answer while holding its message.
        with fake.lock:
            is_first = not first
            first.append(payload["RequestId"])
        if is_first:
            overlap.wait(15)
        else:
            overlap.set()
            time.sleep(0.01)

    fake.fault_for = hold_the_first
    try:
        provider_id, ids, keys = _world(fake)
        workers = [_worker(provider_id) for _ in range(2)]
        assert [worker.wait(300) for worker in workers] == [0, 0]
        assert overlap.is_set(), "the two workers never sent at the same time"
        states = _states(ids)
        assert set(states.values()) == {"sent"}, Counter(states.values())
        requests = Counter(payload["RequestId"] for *_rest, payload in fake.requests)
        assert set(requests) == set(keys.values())
        assert set(requests.values()) == {1}, requests
    finally:
        fake.stop()


def test_claim_of_a_message_another_worker_just_sent_is_refused_not_an_error():
    """Under Odoo's REPEATABLE READ, locking a row another transaction changed after this
    one's snapshot fails to serialise: the claim answers "not yours" instead."""
    fake = FakeEsms().start()
    try:
        _provider_id, ids, _keys = _world(fake)
    finally:
        fake.stop()
    try:
        with _registry().cursor() as cr_a, _registry().cursor() as cr_b:
            env_a = api.Environment(cr_a, SUPERUSER_ID, {})
            message_a = env_a["coka.message"].browse(ids[0])
            cr_a.execute("SELECT 1 FROM coka_message WHERE id = %s", [ids[0]])  # snapshot taken
            cr_b.execute("UPDATE coka_message SET state = 'sent' WHERE id = %s", [ids[0]])
            cr_b.commit()
            assert message_a._coka_claim(odoo.fields.Datetime.now()) is False
            # The transaction is still usable.
            cr_a.execute("SELECT count(*) FROM coka_message WHERE id = %s", [ids[1]])
            assert cr_a.fetchone() == (1,)
            cr_a.rollback()
    finally:
        with _registry().cursor() as cr:  # nothing left queued for later tests
            cr.execute("UPDATE coka_message SET state = 'failed' WHERE id IN %s", [tuple(ids)])
