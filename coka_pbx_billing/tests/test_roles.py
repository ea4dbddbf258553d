from odoo.exceptions import AccessError
from odoo.tests import tagged
from odoo.tests.common import new_test_user

from .common import PackageCase


@tagged("post_install", "-at_install")
class TestPackageRoles(PackageCase):
    """SPEC SEC-1: Managers manage the package's members; Administrators buy (seats,
    activation, renewal, numbers); Agents do neither."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.manager = new_test_user(
            cls.env,
            login=f"{cls.__name__}_manager",
            groups="coka_pbx.group_manager",
            company_id=cls.company.id,
            company_ids=[(6, 0, cls.company.ids)],
        )
        cls.package._activate(2, 1)

    def test_a_manager_adds_and_removes_members(self):
        package = self.package.with_user(self.manager)
        extension = package._add_member(self.agent)
        self.assertEqual(extension.hotline_id, self.hotline)
        self.assertEqual(self.package.member_ids, self.agent)
        package._remove_member(self.agent)
        self.assertFalse(self.package.member_ids)
        self.assertFalse(extension.active)

    def test_a_manager_uses_the_member_wizards(self):
        for model, values in (
            ("coka.pbx.member.add", {"user_ids": [(6, 0, (self.agent | self.agent_2).ids)]}),
            ("coka.pbx.member.remove", {"user_ids": [(6, 0, self.agent.ids)]}),
        ):
            self.env[model].with_user(self.manager).create(
                dict(values, subscription_id=self.package.id)
            ).action_confirm()
        self.assertEqual(self.package.member_ids, self.agent_2)

    def test_a_manager_opens_the_package_without_its_money(self):
        action = self.env.ref("coka_pbx_billing.coka_pbx_subscription_action_mine")
        result = action.with_user(self.manager).run()
        self.assertEqual(result["res_id"], self.package.id)
        package = self.package.with_user(self.manager)
        arch = package.get_views([(False, "form")])["views"]["form"]["arch"]
        self.assertIn('name="action_add_member"', arch)
        self.assertIn('name="action_remove_member"', arch)
        for hidden in ("action_renew", "action_add_seats", "action_open_wallet", "number_ids"):
            self.assertNotIn(f'name="{hidden}"', arch)
        views = package.get_views([(False, "form")])
        fields = views["models"]["coka.pbx.subscription"]["fields"]
        self.assertTrue(package.web_read(dict.fromkeys(fields, {})))
        menus = self.env["ir.ui.menu"].with_user(self.manager)._visible_menu_ids()
        self.assertIn(self.env.ref("coka_pbx_billing.coka_pbx_subscription_menu_members").id, menus)
        self.assertNotIn(self.env.ref("coka_pbx_billing.menu_billing").id, menus)

    def test_a_manager_does_not_buy(self):
        package = self.package.with_user(self.manager)
        for purchase in (
            lambda: package._add_seats(1),
            lambda: package._renew(1),
            lambda: (
                self.env["coka.pbx.seat.add"]
                .with_user(self.manager)
                .create({"subscription_id": self.package.id, "count": 1})
            ),
        ):
            with self.assertRaises(AccessError):
                purchase()

    def test_an_agent_cannot_manage_members(self):
        package = self.package.with_user(self.agent)
        with self.assertRaises(AccessError):
            package._add_member(self.agent_2)
        with self.assertRaises(AccessError):
            self.env["coka.pbx.member.add"].with_user(self.agent).create(
                {"subscription_id": self.package.id, "user_ids": [(6, 0, self.agent_2.ids)]}
            )
        self.package._add_member(self.agent_2)
        with self.assertRaises(AccessError):
            package._remove_member(self.agent_2)
        self.assertEqual(self.package.member_ids, self.agent_2)
