from odoo.exceptions import AccessError
from odoo.tests import tagged
from odoo.tests.common import TransactionCase, new_test_user

from odoo.addons.base.models.res_users import KEY_CRYPT_CONTEXT


@tagged("post_install", "-at_install")
class TestLeadToken(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.agent = new_test_user(cls.env, login="token_agent", groups="coka_pbx.group_agent")
        cls.manager = new_test_user(cls.env, login="token_manager", groups="coka_pbx.group_manager")
        cls.Token = cls.env["coka.lead.token"]

    def _generate(self, name="Landing page"):
        wizard = self.env["coka.lead.token.wizard"].create({"name": name})
        action = wizard.action_coka_generate()
        clear = action["context"]["default_token"]
        token = self.Token.search([("name", "=", name)])
        return token, clear, action

    def test_token_is_hashed_and_shown_once(self):
        token, clear, action = self._generate()
        self.assertEqual(len(token), 1)
        self.assertEqual(token.company_id, self.env.company)
        self.assertEqual(action["res_model"], "coka.lead.token.show")
        self.assertGreaterEqual(len(clear), 40)
        # Only the index and the hash are stored: no column holds the clear token.
        self.env.cr.execute("SELECT * FROM coka_lead_token WHERE id = %s", [token.id])
        row = self.env.cr.dictfetchone()
        self.assertNotIn(clear, [str(value) for value in row.values()])
        self.assertEqual(row["token_index"], clear[:8])
        self.assertTrue(KEY_CRYPT_CONTEXT.verify(clear, row["token_hash"]))
        # The show model is never stored.
        self.assertTrue(self.env["coka.lead.token.show"]._abstract)
        # A new secret replaces the old one.
        second = token._coka_generate()
        self.assertNotEqual(second, clear)
        self.assertFalse(self.Token._coka_authenticate(clear))
        self.assertEqual(self.Token._coka_authenticate(second), token)

    def test_authenticate_marks_last_use_and_refuses_revoked_or_unknown(self):
        token, clear, _action = self._generate()
        self.assertFalse(token.last_used)
        self.assertEqual(self.Token._coka_authenticate(clear), token)
        self.assertTrue(token.last_used)
        for wrong in (None, "", clear[:8], clear[:8] + "0" * 40, clear + "x", clear.upper()):
            self.assertFalse(self.Token._coka_authenticate(wrong), wrong)
        token.action_coka_revoke()
        self.assertFalse(token.active)
        self.assertFalse(self.Token._coka_authenticate(clear))

    def test_agents_and_managers_cannot_create_read_or_generate_tokens(self):
        token, _clear, _action = self._generate()
        for user in (self.agent, self.manager):
            with self.assertRaises(AccessError):
                self.Token.with_user(user).create({"name": "Mine"})
            with self.assertRaises(AccessError):
                self.Token.with_user(user).search([])
            with self.assertRaises(AccessError):
                token.with_user(user).read(["name"])
            with self.assertRaises(AccessError):
                self.env["coka.lead.token.wizard"].with_user(user).create({"name": "Mine"})
            with self.assertRaises(AccessError):
                token.with_user(user)._coka_generate()
            with self.assertRaises(AccessError):
                token.with_user(user).action_coka_revoke()
        self.assertTrue(token.active)

    def test_settings_open_the_token_list_for_administrators(self):
        arch = self.env["res.config.settings"].get_views([(False, "form")])["views"]["form"]
        action = self.env.ref("coka_crm_leads.coka_lead_token_action")
        self.assertIn(f'name="{action.id}"', arch["arch"])
        self.assertEqual(action.res_model, "coka.lead.token")
