from odoo.exceptions import AccessError
from odoo.tests import tagged
from odoo.tests.common import TransactionCase, new_test_user


@tagged("post_install", "-at_install")
class TestHaravanSettings(TransactionCase):
    def test_settings_store_the_connection_on_the_company(self):
        settings = self.env["res.config.settings"].create(
            {"coka_haravan_shop": "saoviet.myharavan.com", "coka_haravan_token": "tok-123"}
        )
        settings.execute()
        self.assertEqual(self.env.company.coka_haravan_shop, "saoviet.myharavan.com")
        self.assertEqual(self.env.company.coka_haravan_token, "tok-123")

    def test_the_token_is_a_secret_for_everyone_but_system_admins(self):
        self.env.company.coka_haravan_token = "tok-456"
        admin = new_test_user(self.env, login="hrv_admin", groups="coka_pbx.group_admin")
        company = self.env.company.with_user(admin)
        with self.assertRaises(AccessError):
            company.read(["coka_haravan_token"])
        self.assertNotIn("coka_haravan_token", company.fields_get())

    def test_partner_starts_not_synced(self):
        partner = self.env["res.partner"].create({"name": "Võ Thành Nam"})
        self.assertEqual(partner.coka_haravan_sync_state, "never")
        self.assertFalse(partner.copy().coka_haravan_customer_ref)

    def test_views_offer_the_button_the_filters_and_hide_the_token(self):
        agent = new_test_user(self.env, login="hrv_view_agent", groups="coka_pbx.group_agent")
        views = (
            self.env["res.partner"]
            .with_user(agent)
            .get_views([(False, "form"), (False, "search")])["views"]
        )
        self.assertIn('name="action_coka_haravan_sync"', views["form"]["arch"])
        for name in ("coka_haravan_synced", "coka_haravan_failed", "coka_haravan_never"):
            self.assertIn(f'name="{name}"', views["search"]["arch"])
        lead_views = (
            self.env["crm.lead"]
            .with_user(agent)
            .get_views([(False, "form"), (False, "search")])["views"]
        )
        self.assertIn('name="action_coka_haravan_sync"', lead_views["form"]["arch"])
        self.assertIn('name="coka_haravan_failed"', lead_views["search"]["arch"])
        call_center = self.env.ref("coka_crm_leads.crm_lead_view_search_call_center")
        arch = self.env["crm.lead"].get_view(call_center.id, "search")["arch"]
        self.assertIn('name="coka_haravan_never"', arch)
        settings = self.env["res.config.settings"].get_views([(False, "form")])["views"]
        self.assertIn('name="action_coka_haravan_test_connection"', settings["form"]["arch"])
        self.assertIn('name="coka_haravan_token"', settings["form"]["arch"])
        actions = self.env["ir.actions.server"].search(
            [
                ("binding_model_id.model", "in", ("res.partner", "crm.lead")),
                ("name", "=", "Sync to Haravan"),
            ]
        )
        self.assertEqual(len(actions), 2)
