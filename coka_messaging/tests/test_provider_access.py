"""Who sees what of the messaging providers: secrets for System users only."""

from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .common import MessagingCase


@tagged("post_install", "-at_install")
class TestProviderAccess(MessagingCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.agent = new_test_user(cls.env, login="msg_agent", groups="coka_pbx.group_agent")
        cls.manager = new_test_user(cls.env, login="msg_manager", groups="coka_pbx.group_manager")

    def test_agent_reads_the_log_with_its_provider_not_the_secrets(self):
        message = self._message(provider_id=self.esms_provider.id)
        rows = (
            self.env["coka.message"]
            .with_user(self.agent)
            .web_search_read(
                [("id", "=", message.id)],
                {"provider_id": {"fields": {"display_name": {}}}, "attempt_count": {}},
            )["records"]
        )
        self.assertEqual(rows[0]["provider_id"]["display_name"], "eSMS test")
        provider = self.esms_provider.with_user(self.agent)
        for user in (self.agent, self.manager):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                self.esms_provider.with_user(user).read(["esms_api_key"])
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                self.esms_provider.with_user(user).write({"name": "x"})
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                self.esms_provider.with_user(user).action_test_connection()
        self.assertEqual(provider.name, "eSMS test")
        self.assertFalse(self.esms.requests)

    def test_call_center_admin_edits_and_tests_but_reads_no_secret(self):
        admin = new_test_user(self.env, login="msg_admin", groups="coka_pbx.group_admin")
        provider = self.esms_provider.with_user(admin)
        provider.write({"name": "eSMS chính"})
        self.assertEqual(provider.action_test_connection()["params"]["type"], "success")
        with self.assertRaises(AccessError):
            provider.read(["esms_secret_key"])
