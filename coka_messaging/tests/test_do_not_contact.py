from odoo.exceptions import UserError
from odoo.tests import Form, tagged
from odoo.tests.common import TransactionCase

from odoo.addons.sms.tests.common import MockSMS


@tagged("post_install", "-at_install")
class TestDoNotContactMessages(MockSMS, TransactionCase):
    """LEAD-4: Odoo's own SMS composer, in all its modes, and the suite's message log refuse
    a number on the Do Not Contact list."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.env.company.country_id = cls.env.ref("base.vn")
        cls.blocked, cls.free = cls.env["res.partner"].create(
            [
                {"name": "Không liên hệ", "mobile": "0912 000 555"},
                {"name": "Được liên hệ", "mobile": "0912 000 666"},
            ]
        )
        cls.env["phone.blacklist"].sudo()._coka_block(["+84912000555"], "Khách phàn nàn")

    def _composer(self, records=None, **values):
        context = {}
        if records is not None:
            context = {"active_model": records._name, "active_ids": records.ids}
            if len(records) == 1:
                context["active_id"] = records.id
        return self.env["sms.composer"].with_context(**context).create({"body": "Chào", **values})

    def test_numbers_mode_refuses_with_the_reason(self):
        composer = self._composer(composition_mode="numbers", numbers="+84 912 000 555")
        with self.mockSMSGateway(), self.assertRaisesRegex(UserError, "Khách phàn nàn"):
            composer.action_send_sms()
        self.assertFalse(self._new_sms)
        with self.mockSMSGateway():
            self._composer(composition_mode="numbers", numbers="+84912000666").action_send_sms()
        self.assertEqual(self._new_sms.mapped("number"), ["+84912000666"])

    def test_comment_mode_refuses_the_contact(self):
        composer = self._composer(self.blocked, composition_mode="comment")
        self.assertTrue(composer.comment_single_recipient)
        with (
            self.mockSMSGateway(),
            self.assertRaisesRegex(
                UserError, "0912 000 555 is on the Do Not Contact list: Khách phàn nàn"
            ),
        ):
            composer.action_send_sms()
        self.assertFalse(self._new_sms)
        # Typing another form of the number in the composer changes nothing.
        form = Form(
            self.env["sms.composer"].with_context(
                active_model="res.partner",
                active_id=self.free.id,
                default_composition_mode="comment",
            )
        )
        form.body = "Chào"
        form.recipient_single_number_itf = "0912000555"
        with self.mockSMSGateway(), self.assertRaisesRegex(UserError, "Do Not Contact"):
            form.save().action_send_sms()
        # Several records on a chatter: one blacklisted is enough to refuse.
        composer = self._composer(self.blocked | self.free, composition_mode="comment")
        with self.mockSMSGateway(), self.assertRaisesRegex(UserError, "Do Not Contact"):
            composer.action_send_sms()

    def test_mass_mode_never_sends_to_the_list_even_without_odoo_blacklist_option(self):
        composer = self._composer(
            self.blocked | self.free, composition_mode="mass", mass_use_blacklist=False
        )
        with self.mockSMSGateway():
            composer.action_send_sms()
        sms = {s.number: s for s in self._new_sms}
        self.assertEqual(sms["+84912000555"].state, "canceled")
        self.assertEqual(sms["+84912000555"].failure_type, "sms_blacklist")
        self.assertNotEqual(sms["+84912000666"].state, "canceled")

    def test_message_log_refuses_a_queued_message(self):
        Message = self.env["coka.message"]
        with self.assertRaisesRegex(UserError, "Khách phàn nàn"):
            Message.create(
                {"channel": "zns", "number": "0912000555", "partner_id": self.blocked.id}
            )
        message = Message.create({"channel": "sms", "number": "0912000666"})
        self.assertEqual(message.state, "queued")
