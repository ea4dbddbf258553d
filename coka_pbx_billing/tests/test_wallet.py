from psycopg2 import IntegrityError

from odoo.exceptions import AccessError, RedirectWarning, UserError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import BillingCase


@tagged("post_install", "-at_install")
class TestWallet(BillingCase):
    def test_wallet_is_created_once_on_demand(self):
        wallet = self.company._coka_wallet()
        self.assertEqual(wallet.balance, 0)
        self.assertEqual(wallet.partner_id, self.company.partner_id.commercial_partner_id)
        self.assertEqual(self.company._coka_wallet(), wallet)

    def test_balance_can_never_be_negative_in_the_database(self):
        wallet = self.company._coka_wallet()
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError):
            wallet.write({"balance": -1})
            wallet.flush_recordset()

    def test_ledger_lines_are_immutable(self):
        line = self.env["coka.coin.transaction"].create(
            {
                "wallet_id": self.company._coka_wallet().id,
                "amount": 1000,
                "kind": "adjustment",
                "balance_after": 1000,
            }
        )
        with self.assertRaisesRegex(UserError, "cannot be changed"):
            line.write({"amount": 5})
        with self.assertRaisesRegex(UserError, "cannot be deleted"):
            line.unlink()
        self.assertEqual(line.amount, 1000)

    def test_agent_cannot_see_the_wallet_admin_can(self):
        wallet = self.company._coka_wallet()
        with self.assertRaises(AccessError):
            wallet.with_user(self.agent).read(["balance"])
        self.assertEqual(wallet.with_user(self.admin).read(["balance"])[0]["balance"], 0)

    def test_other_company_wallet_is_invisible(self):
        other = self.env["res.company"].create({"name": "Công ty Khác"})
        theirs = other._coka_wallet()
        Wallet = self.env["coka.coin.wallet"].with_user(self.admin)
        self.assertNotIn(theirs, Wallet.search([]))
        self.assertIn(self.company._coka_wallet(), Wallet.search([]))

    def test_seat_month_price_setting_defaults_to_100000(self):
        settings = self.env["res.config.settings"].create({})
        self.assertEqual(settings.coka_seat_month_price, 100000)


@tagged("post_install", "-at_install")
class TestWalletMoves(BillingCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.wallet = cls.company._coka_wallet()

    def test_credit_and_debit_keep_a_ledger_that_sums_to_the_balance(self):
        self.wallet._credit(300000, "topup", "CK-001")
        line = self.wallet._debit(120000, "purchase", "Gói tổng đài")
        self.assertEqual(self.wallet.balance, 180000)
        self.assertEqual(
            (line.amount, line.balance_after, line.kind), (-120000, 180000, "purchase")
        )
        self.assertEqual(sum(self.wallet.transaction_ids.mapped("amount")), self.wallet.balance)

    def test_short_balance_is_refused_with_the_missing_amount(self):
        self.wallet._credit(50000, "topup", "CK-002")
        with self.assertRaises(RedirectWarning) as refusal:
            self.wallet._debit(80000, "purchase", "Gói tổng đài")
        self.assertIn("30,000", str(refusal.exception.args[0]))
        self.assertEqual(refusal.exception.args[2], "Top up")
        self.assertEqual(self.wallet.balance, 50000)
        self.assertEqual(len(self.wallet.transaction_ids), 1)

    def test_amounts_must_be_positive_integers(self):
        for amount in (0, -5, 10.5):
            with self.subTest(amount=amount), self.assertRaises(UserError):
                self.wallet._debit(amount, "purchase", "x")
            with self.subTest(amount=amount), self.assertRaises(UserError):
                self.wallet._credit(amount, "topup", "x")

    def test_topup_requested_by_admin_confirmed_by_operator(self):
        topup = (
            self.env["coka.coin.topup"]
            .with_user(self.admin)
            .create({"amount": 2000000, "payment_ref": "VCB 0426", "company_id": self.company.id})
        )
        with self.assertRaisesRegex(UserError, "Coin Operator"):
            topup.with_user(self.admin).action_confirm()
        topup.with_user(self.operator).action_confirm()
        self.assertEqual(topup.state, "confirmed")
        self.assertEqual(self.wallet.balance, 2000000)
        self.assertEqual(topup.transaction_id.reference, "VCB 0426")
        with self.assertRaisesRegex(UserError, "Only requested"):
            topup.with_user(self.operator).action_confirm()
        self.assertEqual(self.wallet.balance, 2000000)
