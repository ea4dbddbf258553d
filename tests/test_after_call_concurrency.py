"""PERF-2: the after-call job run by several workers at once does each ended call once, and
leaves a call whose webhook is still in its transaction for a later run.

Real concurrent transactions on the test database (committed, as the cron's workers), each
claiming its batches with ``FOR UPDATE SKIP LOCKED``.
"""

import threading
import uuid

import odoo
from odoo import SUPERUSER_ID, api, fields

CALLS = 40
WORKERS = 4


def _registry():
    return odoo.modules.registry.Registry(odoo.tools.config["db_name"])


def _ended_calls(count):
    """``count`` answered calls that ended, each with its own contact, due for their
    after-call work; committed. :return: (call ids, partner ids)"""
    tag = uuid.uuid4().hex[:8]
    with _registry().cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
        partners = env["res.partner"].create(
            [{"name": f"After call {tag} {index}"} for index in range(count)]
        )
        now = fields.Datetime.now()
        calls = env["coka.pbx.call"].create(
            [
                {
                    "provider_call_id": f"after-{tag}-{index}",
                    "direction": "inbound",
                    "status": "answered",
                    "customer_number": f"+8491{index:07d}",
                    "partner_id": partner.id,
                    "start_date": now,
                    "answer_date": now,
                    "end_date": now,
                    "talk_seconds": 60,
                    "after_call_due": now,
                }
                for index, partner in enumerate(partners)
            ]
        )
        return calls.ids, partners.ids


def _notes_per_partner(partner_ids):
    with _registry().cursor() as cr:
        cr.execute(
            "SELECT res_id, count(*) FROM mail_message WHERE model = 'res.partner'"
            " AND res_id = ANY(%s) AND message_type = 'notification' GROUP BY res_id",
            [partner_ids],
        )
        return dict(cr.fetchall())


def _due(call_ids):
    with _registry().cursor() as cr:
        cr.execute(
            "SELECT count(*) FROM coka_pbx_call WHERE id = ANY(%s) AND after_call_due IS NOT NULL",
            [call_ids],
        )
        return cr.fetchone()[0]


def _run_job(done, barrier):
    barrier.wait()
    with _registry().cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        done.append(env["coka.pbx.call"]._cron_coka_after_call(batch=5))


def test_parallel_runs_do_each_call_once_and_skip_a_locked_one():
    call_ids, partner_ids = _ended_calls(CALLS)
    baseline = _notes_per_partner(partner_ids)
    # A webhook of the last call still in its transaction: its row is locked.
    webhook = _registry().cursor()
    try:
        webhook.execute("SELECT id FROM coka_pbx_call WHERE id = %s FOR UPDATE", [call_ids[-1]])
        done = []
        barrier = threading.Barrier(WORKERS)
        threads = [
            threading.Thread(target=_run_job, args=(done, barrier)) for _index in range(WORKERS)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(120)
        assert len(done) == WORKERS
        assert sum(done) >= CALLS - 1, "other committed calls may be due too"
        assert _due(call_ids) == 1, "the locked call waits"
    finally:
        webhook.rollback()
        webhook.close()
    with _registry().cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        env["coka.pbx.call"]._cron_coka_after_call(batch=5)
    assert _due(call_ids) == 0
    notes = _notes_per_partner(partner_ids)
    added = {pid: notes.get(pid, 0) - baseline.get(pid, 0) for pid in partner_ids}
    assert set(added.values()) == {1}, "one note on each contact, none twice"


def test_a_run_whose_snapshot_is_older_than_another_runs_commit_claims_again():
    """Repeatable read: a run that took its snapshot before another run committed the same
    calls gets a serialisation failure on its claim; it claims again in a new transaction
    (nothing left to do then) instead of failing."""
    call_ids, partner_ids = _ended_calls(3)
    baseline = _notes_per_partner(partner_ids)
    late = _registry().cursor()
    try:
        late.execute("SELECT count(*) FROM coka_pbx_call")  # its snapshot, taken now
        with _registry().cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            assert env["coka.pbx.call"]._cron_coka_after_call(batch=5) >= 3
        late_env = api.Environment(late, SUPERUSER_ID, {})
        late_env["coka.pbx.call"]._cron_coka_after_call(batch=5)
        late.commit()
    finally:
        late.close()
    assert _due(call_ids) == 0
    notes = _notes_per_partner(partner_ids)
    assert {pid: notes.get(pid, 0) - baseline.get(pid, 0) for pid in partner_ids} == dict.fromkeys(
        partner_ids, 1
    )
