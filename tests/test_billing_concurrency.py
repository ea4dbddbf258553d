"""REL-2 / BIL-1: purchases from several database cursors at once never overdraw a wallet,
never sell more seats or numbers than there are.

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


def _attempt(work, index, outcomes, barrier):
    barrier.wait()
    for _attempt in range(10):
        try:
            # The cursor commits when the block ends, rolls back when it raises: one
            # transaction per purchase, like one HTTP request.
            with _registry().cursor() as cr:
                work(api.Environment(cr, SUPERUSER_ID, {}), index)
        except (UserError, RedirectWarning):
            outcomes.append("refused")
            return
        except (errors.SerializationFailure, errors.LockNotAvailable):
            continue
        outcomes.append("paid")
        return
    outcomes.append("gave up")


def _at_once(work, count=WORKERS):
    """Run ``work(env, index)`` for ``index`` in ``range(count)``, each in its own
    transaction, all started together. :return: the sorted outcomes"""
    outcomes = []
    barrier = threading.Barrier(count)
    threads = [
        threading.Thread(target=_attempt, args=(work, index, outcomes, barrier))
        for index in range(count)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    return sorted(outcomes)


def _ledger(wallet_id):
    with _registry().cursor() as cr:
        cr.execute("SELECT balance FROM coka_coin_wallet WHERE id = %s", [wallet_id])
        balance = cr.fetchone()[0]
        cr.execute(
            "SELECT sum(amount), count(*), min(balance_after) FROM coka_coin_transaction "
            "WHERE wallet_id = %s",
            [wallet_id],
        )
        total, lines, lowest = cr.fetchone()
    return balance, total, lines, lowest


def _company(env, coin):
    company = env["res.company"].create({"name": f"Concurrency {uuid.uuid4().hex[:8]}"})
    wallet = company._coka_wallet()
    wallet._credit(coin, "topup", "CK-concurrency")
    return company, wallet


def test_parallel_debits_never_overdraw_and_the_ledger_sums_to_the_balance():
    with _registry().cursor() as cr:
        _company_record, wallet = _company(api.Environment(cr, SUPERUSER_ID, {}), STARTING_BALANCE)
        wallet_id = wallet.id

    def debit(env, index):
        env["coka.coin.wallet"].browse(wallet_id)._debit(PRICE, "purchase", f"seat-{index}")

    assert _at_once(debit) == ["paid"] * 5 + ["refused"] * 3
    balance, total, lines, lowest = _ledger(wallet_id)
    assert balance == 0
    assert total == balance
    assert lines == 1 + 5
    assert lowest >= 0


def test_parallel_members_never_outnumber_the_seats():
    with _registry().cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        company, _wallet = _company(env, 3 * PRICE)
        package = company._coka_pbx_subscription()
        package._activate(3, 1)
        users = env["res.users"].create(
            [
                {
                    "name": f"Member {index}",
                    "login": f"member-{uuid.uuid4().hex[:8]}",
                    "company_id": company.id,
                    "company_ids": [(6, 0, company.ids)],
                }
                for index in range(WORKERS)
            ]
        )
        package_id, user_ids = package.id, users.ids

    def add_member(env, index):
        package = env["coka.pbx.subscription"].browse(package_id)
        package._add_member(env["res.users"].browse(user_ids[index]))

    assert _at_once(add_member) == ["paid"] * 3 + ["refused"] * 5
    with _registry().cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        package = env["coka.pbx.subscription"].browse(package_id)
        assert len(package.member_ids) == 3
        extensions = env["coka.pbx.extension"].search([("company_id", "=", package.company_id.id)])
        assert extensions.user_id == package.member_ids
        assert len(set(extensions.mapped("number"))) == 3


def test_one_number_bought_at_once_by_several_companies_is_sold_once():
    with _registry().cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        number = env["coka.pbx.number"].create(
            {"number": f"028 73{uuid.uuid4().int % 10**6:06d}", "price": PRICE}
        )
        buyers = []
        for _index in range(4):
            company, wallet = _company(env, 2 * PRICE)
            company._coka_default_hotline().number = "028 7300 1111"
            company._coka_pbx_subscription()._activate(1, 1)
            buyers.append((company._coka_pbx_subscription().id, wallet.id))
        number_id = number.id

    def buy(env, index):
        package = env["coka.pbx.subscription"].browse(buyers[index][0])
        env["coka.pbx.number"].browse(number_id)._purchase(package)

    assert _at_once(buy, count=len(buyers)) == ["paid"] + ["refused"] * 3
    paid = [_ledger(wallet_id) for _package_id, wallet_id in buyers]
    # Each wallet: the top-up and the activation; the buyer's wallet also paid the number.
    assert sorted(lines for _balance, _total, lines, _lowest in paid) == [2, 2, 2, 3]
    assert all(balance == total >= 0 for balance, total, _lines, _lowest in paid)
    with _registry().cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        number = env["coka.pbx.number"].browse(number_id)
        assert number.state == "sold"
        assert number.hotline_id.company_id == number.company_id
