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
