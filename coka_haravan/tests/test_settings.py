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
