"""REL-2 / BIL-1: purchases from several database cursors at once never overdraw a wallet.

Real concurrent transactions on the test database (committed, like parallel HTTP requests),
each retried on a serialisation failure the way Odoo's request handler retries it.
"""

import threading
import uuid

from psycopg2 import errors

import odoo
from odoo import SUPERUSER_ID, api
from odoo.exceptions import RedirectWarning, UserError

PRICE = 100000
WORKERS = 8
STARTING_BALANCE = 5 * PRICE  # room for 5 of the 8 purchases


def _registry():
    return odoo.modules.registry.Registry(odoo.tools.config["db_name"])


def _purchase(wallet_id, label, outcomes, barrier):
    barrier.wait()
    for _attempt in range(10):
        try:
            # The cursor commits when the block ends, rolls back when it raises: one
            # transaction per purchase, like one HTTP request.
            with _registry().cursor() as cr:
                env = api.Environment(cr, SUPERUSER_ID, {})
                env["coka.coin.wallet"].browse(wallet_id)._debit(PRICE, "purchase", label)
        except (UserError, RedirectWarning):
            outcomes.append("refused")
            return
        except (errors.SerializationFailure, errors.LockNotAvailable):
            continue
        outcomes.append("paid")
        return
    outcomes.append("gave up")


def test_parallel_debits_never_overdraw_and_the_ledger_sums_to_the_balance():
    with _registry().cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        company = env["res.company"].create({"name": f"Concurrency {uuid.uuid4().hex[:8]}"})
        wallet = company._coka_wallet()
        wallet._credit(STARTING_BALANCE, "topup", "CK-concurrency")
        wallet_id = wallet.id

    outcomes = []
    barrier = threading.Barrier(WORKERS)
    threads = [
        threading.Thread(target=_purchase, args=(wallet_id, f"seat-{i}", outcomes, barrier))
        for i in range(WORKERS)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)

    assert sorted(outcomes) == ["paid"] * 5 + ["refused"] * 3
    with _registry().cursor() as cr:
        cr.execute("SELECT balance FROM coka_coin_wallet WHERE id = %s", [wallet_id])
        balance = cr.fetchone()[0]
        cr.execute(
            "SELECT sum(amount), count(*), min(balance_after) FROM coka_coin_transaction "
            "WHERE wallet_id = %s",
            [wallet_id],
        )
        total, lines, lowest = cr.fetchone()
    assert balance == 0
    assert total == balance
    assert lines == 1 + 5
    assert lowest >= 0
