"""Who sees which Call Center menu, across the five modules (SPEC SEC-1)."""

from odoo.tests.common import new_test_user

from .odoo_case import SuiteCase


class TestCallCenterMenus(SuiteCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.root = cls.env.ref("coka_pbx.menu_root")
        cls.users = {
            group: new_test_user(cls.env, login=f"menu_{group}", groups=f"coka_pbx.group_{group}")
            for group in ("agent", "manager", "admin")
        }
        cls.users["operator"] = new_test_user(
            cls.env, login="menu_operator", groups="coka_pbx_billing.group_coin_operator"
        )
        cls.users["employee"] = new_test_user(
            cls.env, login="menu_employee", groups="base.group_user"
        )

    def _visible(self, who):
        Menu = self.env["ir.ui.menu"].with_user(self.users[who])
        visible = Menu._visible_menu_ids()
        children = self.root.child_id.filtered(lambda menu: menu.id in visible)
        return set(children.get_external_id().values()) if self.root.id in visible else set()

    def test_agent_sees_calls_contacts_leads_not_billing_or_settings(self):
        menus = self._visible("agent")
        self.assertTrue(
            {
                "coka_pbx.coka_pbx_call_menu",
                "coka_pbx.res_partner_menu",
                "coka_crm_leads.crm_lead_menu",
                "coka_crm_leads.coka_ticket_menu",
            }
            <= menus
        )
        self.assertNotIn("coka_pbx_billing.menu_billing", menus)
        self.assertNotIn("coka_pbx.menu_configuration", menus)
        self.assertNotIn("coka_pbx.menu_reporting", menus)

    def test_manager_adds_reporting_and_configuration(self):
        menus = self._visible("manager")
        self.assertIn("coka_pbx.menu_reporting", menus)
        self.assertIn("coka_pbx.menu_configuration", menus)
        self.assertNotIn("coka_pbx_billing.menu_billing", menus)

    def test_admin_and_coin_operator_see_billing(self):
        self.assertIn("coka_pbx_billing.menu_billing", self._visible("admin"))
        operator = self._visible("operator")
        self.assertIn("coka_pbx_billing.menu_billing", operator)
        self.assertNotIn("coka_pbx.coka_pbx_call_menu", operator)

    def test_plain_employee_does_not_see_the_app(self):
        self.assertEqual(self._visible("employee"), set())

    def test_groups_are_implied_in_order(self):
        agent = self.env.ref("coka_pbx.group_agent")
        manager = self.env.ref("coka_pbx.group_manager")
        admin = self.env.ref("coka_pbx.group_admin")
        self.assertIn(agent, manager.implied_ids)
        self.assertIn(manager, admin.implied_ids)
        self.assertTrue(self.users["admin"].has_group("coka_pbx.group_agent"))
        self.assertFalse(self.users["admin"].has_group("coka_pbx_billing.group_coin_operator"))
