"""Templates with keyword mappings and Zalo's status (MSG-1), and the send wizard (MSG-2),
against the fake Zalo server over a real socket."""

import time

from lxml import etree

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, tagged
from odoo.tests.common import new_test_user

from .common import MessagingCase


@tagged("post_install", "-at_install")
class TestTemplateKeywords(MessagingCase):
    def _template(self, **values):
        return self.env["coka.message.template"].create(
            {
                "name": "Đơn hàng",
                "channel": "zns",
                "body": "{{customer_name}} {{order_code}}",
                **values,
            }
        )

    def test_lines_follow_the_body_and_keep_their_mapping(self):
        template = self._template()
        lines = {line.keyword: line for line in template.keyword_ids}
        self.assertEqual(list(lines), ["customer_name", "order_code"])
        self.assertEqual(
            (lines["customer_name"].source, lines["customer_name"].field_path),
            (
                "field",
                "name",
            ),
        )
        self.assertEqual(lines["order_code"].source, "typed")
        lines["order_code"].write({"source": "field", "field_path": "ref", "max_length": 12})
        template.body = "Mã {{order_code}} giao lúc {{time}}"
        lines = {line.keyword: line for line in template.keyword_ids}
        self.assertEqual(list(lines), ["order_code", "time"])
        self.assertEqual(
            (lines["order_code"].field_path, lines["order_code"].max_length), ("ref", 12)
        )
        self.assertEqual(lines["time"].source, "typed")
        # The form's onchange does the same before saving.
        with Form(template) as form:
            form.body = "{{time}} {{email}}"
            keywords = []
            for index in range(len(form.keyword_ids)):
                with form.keyword_ids.edit(index) as line:
                    keywords.append(line.keyword)
            self.assertEqual(keywords, ["time", "email"])
        self.assertEqual(template.keyword_ids.mapped("keyword"), ["time", "email"])
        self.assertEqual(template.keyword_ids[1].field_path, "email")
        # A duplicate keeps the mapping.
        template.keyword_ids[0].write({"source": "field", "field_path": "user.name"})
        copy = template.copy()
        self.assertEqual(copy.keyword_ids.mapped("field_path"), ["user.name", "email"])

    def test_a_field_keyword_needs_an_existing_field(self):
        template = self._template()
        with self.assertRaises(ValidationError):
            template.keyword_ids[1].write({"source": "field", "field_path": "no_such.field"})
        template.keyword_ids[1].write({"source": "field", "field_path": "parent_id.name"})
        template.keyword_ids[1].write({"field_path": "user.login"})
        template.keyword_ids[1].write({"field_path": "record.customer_number"})
        with self.assertRaises(ValidationError):
            template.keyword_ids[1].write({"field_path": "record.no_such_field"})
        with self.assertRaises(ValidationError):
            template.keyword_ids[1].write({"field_path": "customer_number"})

    def test_sms_approved_by_a_manager_zns_only_by_zalo(self):
        sms = self._template(channel="sms", body="Chào {{customer_name}}")
        sms.action_submit()
        agent = new_test_user(self.env, login="tpl_agent", groups="coka_pbx.group_agent")
        with self.assertRaises(UserError):
            sms.with_user(agent).action_approve()
        manager = new_test_user(self.env, login="tpl_manager", groups="coka_pbx.group_manager")
        sms.with_user(manager).action_approve()
        self.assertEqual(sms.state, "approved")
        zns = self._template(provider_template_ref="231456")
        with self.assertRaisesRegex(UserError, "Sync from Zalo"):
            zns.with_user(manager).action_approve()

    def test_sync_from_zalo_status_and_lengths(self):
        template = self._template(provider_template_ref="231456")
        self.zalo.templates["231456"] = {
            "status": "PENDING_REVIEW",
            "listParams": [
                {"name": "customer_name", "maxLength": 30, "require": True},
                {"name": "order_code", "maxLength": 12, "require": True},
            ],
        }
        template.action_sync_zns()
        self.assertEqual((template.state, template.zns_status), ("pending", "PENDING_REVIEW"))
        self.assertEqual(template.keyword_ids.mapped("max_length"), [30, 12])
        self.zalo.templates["231456"]["status"] = "ENABLE"
        template.action_sync_zns()
        self.assertEqual(template.state, "approved")
        self.zalo.templates["231456"].update(status="REJECT", reason="Nội dung quảng cáo")
        template.action_sync_zns()
        self.assertEqual(template.state, "rejected")
        self.assertIn("Nội dung quảng cáo", template.message_ids[0].body)
        info = [r for r in self.zalo.requests if r[1] == "/template/info/v2"]
        self.assertEqual([r[3] for r in info], ["231456"] * 3)
        self.assertIn(info[0][2]["access_token"], self.zalo.valid_tokens)

    def test_sync_refused_for_agents_and_for_an_answer_without_status(self):
        template = self._template(provider_template_ref="231456")
        agent = new_test_user(self.env, login="sync_agent", groups="coka_pbx.group_agent")
        with self.assertRaises(AccessError):
            template.with_user(agent).action_sync_zns()
        self.zalo.templates["231456"] = {"listParams": []}
        with self.assertRaisesRegex(UserError, "without status"):
            template.action_sync_zns()
        self.assertEqual(template.state, "draft")

    def test_daily_cron_syncs_every_zns_template_and_goes_on_after_a_refusal(self):
        unknown = self._template(provider_template_ref="999")
        known = self._template(provider_template_ref="231456")
        self.zalo.templates["231456"] = {"status": "ENABLE", "listParams": []}
        with self.assertRaisesRegex(UserError, "Template not found"):
            unknown.action_sync_zns()
        self.env["coka.message.template"]._cron_sync_zns()
        self.assertEqual((unknown.state, known.state), ("draft", "approved"))


@tagged("post_install", "-at_install")
class TestMessageSend(MessagingCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.agent = new_test_user(cls.env, login="send_agent", groups="coka_pbx.group_agent")
        Template = cls.env["coka.message.template"]
        # Agents only see approved templates in the wizard: these are never offered.
        Template.search([("state", "=", "approved")]).state = "draft"
        cls.draft_zns = Template.create(
            {"name": "Nháp ZNS", "channel": "zns", "body": "Chào {{customer_name}}"}
        )
        cls.zns = Template.create(
            {
                "name": "Xác nhận đơn hàng",
                "channel": "zns",
                "body": "Xin chào {{customer_name}}, đơn hàng {{order_code}} đã được xác nhận.",
                "provider_template_ref": "231456",
                "provider_id": cls.zalo_provider.id,
            }
        )
        cls.zns.keyword_ids.filtered(lambda line: line.keyword == "customer_name").max_length = 30
        cls.zns.keyword_ids.filtered(lambda line: line.keyword == "order_code").max_length = 12
        cls.zns.state = "approved"
        # A demo-like contact (as coka_crm_leads' demo customers).
        cls.customer = cls.env["res.partner"].create(
            {"name": "Lương Thế Vinh", "mobile": "0903 456 789", "email": "vinh@example.vn"}
        )

    def _wizard(self, records, channel="zns", **typed):
        form = Form(
            self.env["coka.message.send"]
            .with_user(self.agent)
            .with_context(active_model=records._name, active_ids=records.ids)
        )
        form.channel = channel
        for index in range(len(form.value_ids)):
            with form.value_ids.edit(index) as line:
                line.value = typed.get(line.keyword, "")
        return form

    def test_agent_sends_an_approved_zns_template_and_it_is_delivered(self):
        form = self._wizard(self.customer)
        # Only the approved ZNS template is offered, so it is chosen.
        self.assertEqual(form.template_id, self.zns)
        offered = (
            self.env["coka.message.template"]
            .with_user(self.agent)
            .search([("channel", "=", "zns"), ("state", "=", "approved")])
        )
        self.assertEqual(offered, self.zns)
        self.assertNotIn(self.draft_zns, offered)
        self.assertEqual(form.template_count, 1)
        self.assertEqual(
            form.preview,
            "Xin chào Lương Thế Vinh, đơn hàng {{order_code}} đã được xác nhận.",
        )
        with form.value_ids.edit(0) as line:
            self.assertEqual(line.keyword, "order_code")
            line.value = "DH0042"
        self.assertIn("DH0042", form.preview)
        wizard = form.save()
        result = wizard.action_send()
        self.assertEqual(result["tag"], "display_notification")
        message = self.env["coka.message"].search([("partner_id", "=", self.customer.id)])
        self.assertEqual(len(message), 1)
        self.assertEqual(
            (message.state, message.number, message.user_id, message.template_id),
            ("queued", "+84903456789", self.agent, self.zns),
        )
        self.assertEqual(message.body, "Xin chào Lương Thế Vinh, đơn hàng DH0042 đã được xác nhận.")
        # The sending cron was triggered; it runs here.
        trigger = self.env["ir.cron.trigger"].search(
            [("cron_id", "=", self.env.ref("coka_messaging.ir_cron_coka_message_send").id)]
        )
        self.assertTrue(trigger)
        self.env["coka.message"]._cron_send()
        sends = [r for r in self.zalo.requests if r[1] == "/message/template"]
        # Exactly one request reached Zalo (the access token was fetched before it).
        self.assertEqual(len(sends), 1)
        self.assertEqual(len(self.zalo.by_tracking), 1)
        payload = sends[0][3]
        self.assertEqual(payload["phone"], "84903456789")
        self.assertEqual(payload["template_id"], "231456")
        self.assertEqual(
            payload["template_data"], {"customer_name": "Lương Thế Vinh", "order_code": "DH0042"}
        )
        self.assertEqual(payload["tracking_id"], message.idempotency_key)
        self.assertEqual(message.state, "sent")
        headers, body = self._signed(
            {"message_id": message.provider_message_ref, "status": "delivered"}
        )
        status, _answer = self.env["coka.message.provider"]._coka_receive_callback(
            str(self.zalo_provider.id), headers, body, time.time()
        )
        self.assertEqual((status, message.state), (200, "delivered"))
        # On the contact's timeline (chatter) and his SMS / ZNS tab.
        notes = self.customer.message_ids.mapped("body")
        self.assertTrue(any("Delivered" in note and "Zalo ZNS" in note for note in notes), notes)
        self.assertEqual(self.customer.coka_message_ids, message)

    def _refusal(self, partner, **typed):
        wizard = self._wizard(partner, **typed).save()
        with self.assertRaises(UserError) as caught:
            wizard.action_send()
        self.assertFalse(self.env["coka.message"].search([("partner_id", "=", partner.id)]))
        return caught.exception.args[0]

    def test_refusals_with_their_reason(self):
        blocked, landline, empty = self.env["res.partner"].create(
            [
                {"name": "Không liên hệ", "mobile": "0912 000 555"},
                {"name": "Số bàn", "phone": "028 3822 1234"},
                {"name": "Không số"},
            ]
        )
        self.env["phone.blacklist"].sudo()._coka_block(["0912000555"], "Khách phàn nàn")
        self.assertEqual(
            self._refusal(blocked, order_code="DH01"),
            "0912 000 555 is on the Do Not Contact list: Khách phàn nàn",
        )
        self.assertIn("is not a valid mobile number", self._refusal(landline, order_code="DH01"))
        self.assertIn("has no mobile number", self._refusal(empty, order_code="DH01"))
        self.assertEqual(
            self._refusal(self.customer),
            "The keyword order_code has no value for Lương Thế Vinh.",
        )
        self.assertEqual(
            self._refusal(self.customer, order_code="DH-2026-000042"),
            "The keyword order_code is 14 characters long for Lương Thế Vinh: Zalo accepts "
            "at most 12.",
        )
        self.assertFalse([r for r in self.zalo.requests if r[1] == "/message/template"])

    def test_no_approved_template(self):
        form = self._wizard(self.customer, channel="sms")
        self.assertEqual((form.template_count, form.template_id), (0, self.zns.browse()))
        with self.assertRaisesRegex(UserError, "There is no approved SMS template"):
            form.save().action_send()
        # A template that lost its approval after the wizard opened is refused too.
        form = self._wizard(self.customer, order_code="DH01")
        wizard = form.save()
        self.zns.state = "pending"
        with self.assertRaisesRegex(UserError, "no approved Zalo ZNS template"):
            wizard.action_send()

    def test_a_selection_gets_a_result_per_recipient(self):
        blocked = self.env["res.partner"].create({"name": "Chặn", "mobile": "0912 000 556"})
        self.env["phone.blacklist"].sudo()._coka_block(["0912000556"], "Yêu cầu không gọi")
        other = self.env["res.partner"].create({"name": "Trần Bình", "mobile": "0987 654 321"})
        wizard = self._wizard(self.customer | blocked | other, order_code="DH07").save()
        self.assertEqual(wizard.recipient_count, 3)
        action = wizard.action_send()
        self.assertEqual((action["res_id"], wizard.state), (wizard.id, "done"))
        results = {result.name: result for result in wizard.result_ids}
        self.assertEqual(results["Chặn"].result, "refused")
        self.assertIn("Yêu cầu không gọi", results["Chặn"].reason)
        self.assertEqual(
            (results["Trần Bình"].result, results["Trần Bình"].message_id.body),
            ("queued", "Xin chào Trần Bình, đơn hàng DH07 đã được xác nhận."),
        )
        self.assertEqual((wizard.queued_count, wizard.refused_count), (2, 1))
        self.assertEqual(
            self.env["coka.message"].search_count([("template_id", "=", self.zns.id)]), 2
        )

    def test_sms_with_the_sender_name_and_from_a_call(self):
        sms = self.env["coka.message.template"].create(
            {
                "name": "Cảm ơn",
                "channel": "sms",
                "body": "Cảm ơn {{customer_name}}, {{agent_name}} sẽ gọi lại.",
                "state": "approved",
            }
        )
        call = self.env["coka.pbx.call"].create(
            {"customer_number": "+84903456789", "partner_id": self.customer.id}
        )
        action = call.with_user(self.agent).action_coka_send_message()
        self.assertEqual(
            (action["res_model"], action["target"], action["context"]["active_ids"]),
            ("coka.message.send", "new", [self.customer.id]),
        )
        form = Form(
            self.env["coka.message.send"].with_user(self.agent).with_context(**action["context"])
        )
        self.assertEqual(form.template_id, sms)
        form.save().action_send()
        message = self.env["coka.message"].search([("template_id", "=", sms.id)])
        self.assertEqual(message.body, f"Cảm ơn Lương Thế Vinh, {self.agent.name} sẽ gọi lại.")
        self.assertFalse(message.template_data)
        # An unknown caller: the call itself is the recipient, its number the mobile.
        unknown = self.env["coka.pbx.call"].create({"customer_number": "0987 111 222"})
        context = unknown.action_coka_send_message()["context"]
        self.assertEqual(context["active_model"], "coka.pbx.call")


@tagged("post_install", "-at_install")
class TestMessagingViews(MessagingCase):
    def test_menus_and_message_views(self):
        root = self.env.ref("coka_pbx.menu_root")
        messaging = self.env.ref("coka_messaging.menu_messaging")
        self.assertEqual(messaging.parent_id, root)
        self.assertEqual(messaging.child_id.mapped("name"), ["Messages", "Templates", "Providers"])
        action = self.env.ref("coka_messaging.coka_message_action")
        self.assertEqual(action.view_mode, "list,form,pivot,graph")
        views = self.env["coka.message"].get_views([(False, "list"), (False, "pivot")])["views"]
        pivot = etree.fromstring(views["pivot"]["arch"])
        self.assertEqual(
            [(field.get("name"), field.get("type")) for field in pivot.iter("field")],
            [("channel", "row"), ("state", "col"), ("create_date", "row")],
        )
        listing = etree.fromstring(views["list"]["arch"])
        for decoration in ("danger", "muted", "info", "success"):
            self.assertTrue(listing.get(f"decoration-{decoration}"), decoration)
        send = self.env.ref("coka_messaging.coka_message_send_action_partner")
        self.assertEqual(
            (send.binding_model_id.model, send.binding_view_types), ("res.partner", "list,form")
        )
