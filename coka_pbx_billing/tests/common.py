from odoo.tests.common import TransactionCase, new_test_user


class BillingCase(TransactionCase):
    """A company of its own with an Agent, an Administrator and a Coin Operator in it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.company = cls.env["res.company"].create({"name": f"Công ty {cls.__name__}"})
        cls.agent, cls.admin, cls.operator = (
            new_test_user(
                cls.env,
                login=f"{cls.__name__}_{role}",
                groups=group,
                company_id=cls.company.id,
                company_ids=[(6, 0, cls.company.ids)],
            )
            for role, group in (
                ("agent", "coka_pbx.group_agent"),
                ("admin", "coka_pbx.group_admin"),
                ("operator", "coka_pbx_billing.group_coin_operator"),
            )
        )


class PackageCase(BillingCase):
    """BillingCase with a funded wallet, a default hotline and the package (draft)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["ir.config_parameter"].sudo().set_param("coka_pbx_billing.seat_month_price", 100000)
        cls.wallet = cls.company._coka_wallet()
        cls.wallet._credit(10000000, "topup", "CK-TEST")
        # The default hotline the company got when it was created gets its number.
        cls.hotline = cls.company._coka_default_hotline()
        cls.hotline.number = "028 7300 4444"
        cls.agent_2 = new_test_user(
            cls.env,
            login=f"{cls.__name__}_agent_2",
            groups="coka_pbx.group_agent",
            company_id=cls.company.id,
            company_ids=[(6, 0, cls.company.ids)],
        )
        cls.package = cls.company._coka_pbx_subscription().with_user(cls.admin)

    def _spent(self, since):
        """Coin debited since the balance ``since``."""
        return since - self.wallet.balance
