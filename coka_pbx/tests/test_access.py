from odoo.exceptions import AccessError
from odoo.tests import tagged
from odoo.tools import convert_file

from .common import CokaPbxCase


@tagged("post_install", "-at_install")
class TestCallAccess(CokaPbxCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.call_1 = cls._create_call(cls.agent_1, number="0912000001")
        cls.call_2 = cls._create_call(cls.agent_2, number="0912000002")

    def test_agent_reads_only_his_calls(self):
        Call = self.env["coka.pbx.call"].with_user(self.agent_1)
        self.assertEqual(Call.search([("id", "in", (self.call_1 + self.call_2).ids)]), self.call_1)
        with self.assertRaises(AccessError):
            self.call_2.with_user(self.agent_1).read(["note"])

    def test_manager_reads_all_calls(self):
        Call = self.env["coka.pbx.call"].with_user(self.manager)
        self.assertEqual(
            Call.search([("id", "in", (self.call_1 + self.call_2).ids)]),
            self.call_1 + self.call_2,
        )

    def test_agent_cannot_configure_or_read_secrets(self):
        with self.assertRaises(AccessError):
            self.hotline.with_user(self.agent_1).write({"ring_timeout": 5})
        with self.assertRaises(AccessError):
            self.provider.with_user(self.manager).read(["webhook_secret"])
        self.assertEqual(
            self.provider.with_user(self.agent_1).read(["code"])[0]["code"], "test-pbx"
        )

    def test_agent_switches_his_own_status_not_others(self):
        self.agent_1.with_user(self.agent_1).write({"coka_agent_status": "off"})
        self.assertEqual(self.agent_1.coka_agent_status, "off")
        self.agent_1.with_user(self.agent_1).action_coka_toggle_agent_status()
        self.assertEqual(self.agent_1.coka_agent_status, "on")
        with self.assertRaises(AccessError):
            self.agent_2.with_user(self.agent_1).write({"coka_agent_status": "off"})

    def test_other_company_data_is_invisible(self):
        other = self.env["res.company"].create({"name": "Công ty Khác"})
        foreign = self.env["coka.pbx.hotline"].create(
            {"number": "024 7300 8888", "company_id": other.id}
        )
        Hotline = self.env["coka.pbx.hotline"].with_user(self.manager)
        self.assertNotIn(foreign, Hotline.search([]))
        self.assertIn(self.hotline, Hotline.search([]))

    def test_upgrade_keeps_record_rules_an_administrator_changed(self):
        """Record rules are noupdate data: loading a module's rules again (an upgrade)
        keeps what an administrator changed."""
        files = {
            "coka_pbx": "security/coka_pbx_rules.xml",
            "coka_pbx_billing": "security/coka_pbx_billing_rules.xml",
            "coka_crm_leads": "security/coka_crm_leads_rules.xml",
            "coka_messaging": "security/coka_messaging_rules.xml",
        }
        Data = self.env["ir.model.data"]
        for module, filename in files.items():
            with self.subTest(module=module):
                rules = Data.search([("model", "=", "ir.rule"), ("module", "=", module)])
                self.assertTrue(rules)
                records = self.env["ir.rule"].browse(rules.mapped("res_id"))
                records.write({"domain_force": "[(1, '=', 1)]", "active": False})
                convert_file(self.env, module, filename, {}, mode="update")
                records.invalidate_recordset()
                self.assertEqual(set(records.mapped("domain_force")), {"[(1, '=', 1)]"})
                self.assertFalse(any(records.mapped("active")))
