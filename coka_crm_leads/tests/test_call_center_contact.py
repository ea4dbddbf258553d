from odoo.exceptions import ValidationError
from odoo.tests import Form, tagged
from odoo.tests.common import TransactionCase, new_test_user

CALL_CENTER = {"coka_call_center_contact": True}


@tagged("post_install", "-at_install")
class TestCallCenterContact(TransactionCase):
    """A contact created from Call Center › Contacts (SPEC CON-1): full name, phone, sales
    team and salesperson required there only; numbers normalised; no silent duplicate."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.user = new_test_user(
            cls.env,
            login="cc_receiver",
            groups="coka_pbx.group_agent,base.group_partner_manager",
        )
        cls.team = cls.env["crm.team"].create({"name": "Phòng Kinh doanh 1"})
        cls.Partner = cls.env["res.partner"].with_user(cls.user).with_context(**CALL_CENTER)
        cls.known = cls.env["res.partner"].create({"name": "Trần Văn Khải", "mobile": "0912345678"})

    def _values(self, **values):
        return {
            "name": "Nguyễn Thị Lan",
            "mobile": "+84 903 111 222",
            "team_id": self.team.id,
            "user_id": self.user.id,
            **values,
        }

    def test_the_call_center_action_sets_the_context_key(self):
        action = self.env.ref("coka_pbx.res_partner_action_call_center")
        self.assertIn("'coka_call_center_contact': True", action.context)

    def test_the_form_proposes_the_user_and_his_team(self):
        self.env["crm.team.member"].create({"crm_team_id": self.team.id, "user_id": self.user.id})
        action = self.env.ref("coka_pbx.res_partner_action_call_center")
        context = {"default_is_company": False, "default_user_id": self.user.id, **CALL_CENTER}
        self.assertIn("'default_user_id': uid", action.context)
        defaults = self.Partner.with_context(**context).default_get(["team_id", "user_id"])
        self.assertEqual(defaults, {"team_id": self.team.id, "user_id": self.user.id})
        elsewhere = self.env["res.partner"].with_user(self.user).default_get(["team_id"])
        self.assertFalse(elsewhere.get("team_id"))

    def test_every_required_field_is_named(self):
        with self.assertRaises(ValidationError) as caught:
            self.Partner.create({"name": " "})
        message = str(caught.exception)
        for label in ("Full Name", "Sales Team", "Salesperson", "Phone or Mobile"):
            self.assertIn(label, message)
        for missing in ("team_id", "user_id"):
            with self.assertRaises(ValidationError):
                self.Partner.create(self._values(**{missing: False}))
        with self.assertRaises(ValidationError):
            self.Partner.create(self._values(mobile=False))
        with self.assertRaisesRegex(ValidationError, "not a valid phone number"):
            self.Partner.create(self._values(mobile="12"))

    def test_numbers_are_normalised_and_a_phone_alone_is_enough(self):
        partner = self.Partner.create(self._values())
        self.assertEqual(partner.mobile, "0903 111 222")
        self.assertEqual(partner.coka_mobile_e164, "+84903111222")
        self.assertEqual(partner.team_id, self.team)
        landline = self.Partner.create(
            self._values(name="Cửa hàng", mobile=False, phone="02837300123")
        )
        self.assertEqual(landline.phone, "028 3730 0123")

    def test_a_second_contact_with_the_same_number_is_flagged_not_created(self):
        form = Form(self.Partner)
        form.name = "Khải Trần"
        form.mobile = "+84912345678"
        self.assertEqual(form.coka_duplicate_id, self.known)
        form.mobile = "0903 999 888"
        self.assertFalse(form.coka_duplicate_id)
        with self.assertRaisesRegex(ValidationError, "Trần Văn Khải"):
            self.Partner.create(self._values(phone="84 912 345 678"))
        self.assertEqual(self.env["res.partner"]._coka_search_phone("0912345678"), self.known)
        # The contact itself is not its own duplicate.
        self.assertFalse(self.known.coka_duplicate_id)

    def test_writes_from_the_call_center_cannot_empty_what_is_required(self):
        partner = self.Partner.create(self._values())
        with self.assertRaises(ValidationError):
            partner.write({"team_id": False})
        with self.assertRaises(ValidationError):
            partner.write({"mobile": ""})
        partner.write({"mobile": False, "phone": "0283 730 0124"})
        self.assertEqual(partner.phone, "028 3730 0124")
        # An older contact without a number can still be edited for something else.
        self.known.write({"mobile": False})
        self.known.with_user(self.user).with_context(**CALL_CENTER).write({"comment": "VIP"})

    def test_elsewhere_nothing_is_required(self):
        partner = self.env["res.partner"].with_user(self.user).create({"name": "Khách lẻ"})
        self.assertFalse(partner.team_id)
        duplicate = self.env["res.partner"].create({"name": "Khải 2", "mobile": "0912345678"})
        self.assertEqual(duplicate.coka_duplicate_id, self.known)
        self.assertEqual(duplicate.mobile, "0912345678")  # not rewritten outside
