from odoo.exceptions import AccessError
from odoo.tests import tagged
from odoo.tests.common import TransactionCase, new_test_user

from ..tools import render


@tagged("post_install", "-at_install")
class TestTemplates(TransactionCase):
    def test_keywords_in_order_without_repeats(self):
        body = "Chào {{customer_name}}, mã {{ order_code }} - {{customer_name}}"
        self.assertEqual(render.keywords(body), ["customer_name", "order_code"])
        self.assertEqual(
            render.render(body, {"customer_name": "An", "order_code": "DH01"}),
            "Chào An, mã DH01 - An",
        )
        with self.assertRaises(KeyError) as missing:
            render.render(body, {"customer_name": "An"})
        self.assertEqual(missing.exception.args[0], "order_code")

    def test_template_lists_its_keywords_and_goes_through_approval(self):
        template = self.env["coka.message.template"].create(
            {"name": "Nhắc lịch", "channel": "sms", "body": "Hẹn {{customer_name}} lúc {{time}}"}
        )
        self.assertEqual(template.keyword_list, "customer_name, time")
        template.action_submit()
        self.assertEqual(template.state, "pending")
        template.action_approve()
        self.assertEqual(template.state, "approved")

    def test_agent_reads_templates_but_cannot_edit_them(self):
        agent = new_test_user(self.env, login="msg_agent", groups="coka_pbx.group_agent")
        template = self.env["coka.message.template"].create({"name": "SMS", "body": "Xin chào"})
        self.assertEqual(template.with_user(agent).read(["name"])[0]["name"], "SMS")
        with self.assertRaises(AccessError):
            template.with_user(agent).write({"body": "Sửa"})
