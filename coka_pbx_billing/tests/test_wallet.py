from psycopg2 import IntegrityError

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged
from odoo.tests.common import TransactionCase, new_test_user
from odoo.tools import mute_logger


@tagged("post_install", "-at_install")
class TestWallet(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.company = cls.env["res.company"].create({"name": "Công ty Ví Coin"})
        cls.agent = new_test_user(
            cls.env,
            login="bil_agent",
            groups="coka_pbx.group_agent",
            company_id=cls.company.id,
            company_ids=[(6, 0, cls.company.ids)],
        )
        cls.admin = new_test_user(
            cls.env,
            login="bil_admin",
            groups="coka_pbx.group_admin",
            company_id=cls.company.id,
            company_ids=[(6, 0, cls.company.ids)],
        )

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
