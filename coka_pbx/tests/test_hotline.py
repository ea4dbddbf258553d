from psycopg2 import IntegrityError

from odoo.exceptions import ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import CokaPbxCase


@tagged("post_install", "-at_install")
class TestHotline(CokaPbxCase):
    def test_number_is_normalised(self):
        self.assertEqual(self.hotline.number_e164, "+842873009999")
        self.assertEqual(self.hotline.display_number, "028 7300 9999")
        self.assertEqual(self.company._coka_default_hotline(), self.hotline)

    def test_invalid_number_is_refused(self):
        with self.assertRaisesRegex(ValidationError, "not a valid phone number"):
            self.env["coka.pbx.hotline"].create({"number": "12"})

    def test_one_default_hotline_per_company(self):
        with self.assertRaisesRegex(ValidationError, "already has a default hotline"):
            self.env["coka.pbx.hotline"].create({"number": "028 7300 9998", "is_default": True})

    def test_same_number_twice_is_refused(self):
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError):
            self.env["coka.pbx.hotline"].create({"number": "+84 28 7300 9999"})

    def test_extension_numbers(self):
        with self.assertRaisesRegex(ValidationError, "digits only"):
            self.env["coka.pbx.extension"].create({"number": "10a"})
        self.assertEqual(self.ext_1.display_name, f"201 - {self.agent_1.name}")
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError):
            self.env["coka.pbx.extension"].create({"number": "201"})

    def test_too_long_flag_follows_the_threshold(self):
        self.hotline.too_long_minutes = 2
        call = self._create_call(self.agent_1, talk_seconds=121)
        self.assertTrue(call.too_long)
        self.hotline.too_long_minutes = 3
        self.assertFalse(call.too_long)
