from odoo.tests import tagged
from odoo.tests.common import BaseCase

from ..tools import mapping
from ..tools.haravan_client import pace_wait, parse_call_limit, rate_wait


@tagged("post_install", "-at_install")
class TestHaravanMapping(BaseCase):
    def test_vietnamese_name_family_name_first(self):
        self.assertEqual(mapping.split_name("Nguyễn Văn An"), ("An", "Nguyễn Văn"))
        self.assertEqual(mapping.split_name("  Trần   Thị  Thu Hà "), ("Hà", "Trần Thị Thu"))
        self.assertEqual(mapping.split_name("Lan"), ("Lan", ""))
        self.assertEqual(mapping.split_name(""), ("", ""))

    def test_phone_as_the_shop_stores_it(self):
        for typed in ("0912 345 678", "+84 912 345 678", "84912345678", "(091) 2345678"):
            self.assertEqual(mapping.haravan_phone(typed), "0912345678", typed)
        self.assertEqual(mapping.haravan_phone("+33 6 12 34 56 78"), "+33612345678")
        self.assertFalse(mapping.haravan_phone("12"))
        self.assertTrue(mapping.same_phone("+84912345678", "0912.345.678"))
        self.assertFalse(mapping.same_phone("", ""))
        self.assertTrue(mapping.same_email(" An@Example.vn", "an@example.vn"))

    def test_admin_link(self):
        url = "https://saoviet.myharavan.com/admin/customers/1001"
        for shop in ("saoviet", "saoviet.myharavan.com", "https://saoviet.myharavan.com/"):
            self.assertEqual(mapping.shop_admin_url(shop, "1001"), url, shop)
        self.assertFalse(mapping.shop_admin_url("", "1001"))
        self.assertFalse(mapping.shop_admin_url("saoviet", False))

    def test_payload_has_only_what_the_contact_has(self):
        payload = mapping.customer_payload("Lê Minh", "", "+84 912 345 678")
        self.assertEqual(
            payload, {"customer": {"first_name": "Minh", "last_name": "Lê", "phone": "0912345678"}}
        )
        payload = mapping.customer_payload(
            "Lê Minh", "minh@x.vn", None, street="1 Lê Lợi", city="Huế", country_code="vn"
        )
        self.assertEqual(payload["customer"]["email"], "minh@x.vn")
        self.assertEqual(payload["customer"]["addresses"][0]["country_code"], "VN")
        self.assertNotIn("phone", payload["customer"])
        payload = mapping.customer_payload(
            "Công ty TNHH Sao Việt", "", "0912345678", is_company=True
        )
        self.assertEqual(
            (payload["customer"]["first_name"], payload["customer"]["last_name"]),
            ("Công ty TNHH Sao Việt", ""),
        )

    def test_rate_wait_doubles_and_honours_retry_after(self):
        self.assertEqual([rate_wait(n) for n in (1, 2, 3)], [0.25, 0.5, 1.0])
        self.assertEqual(rate_wait(20), 10.0)
        self.assertEqual(rate_wait(1, retry_after=3), 3.0)
        self.assertEqual(rate_wait(1, retry_after=600), 10.0)

    def test_call_limit_header_paces_near_a_full_bucket(self):
        self.assertEqual(parse_call_limit("32/80"), (32, 80))
        self.assertIsNone(parse_call_limit("full"))
        self.assertIsNone(parse_call_limit(None))
        self.assertEqual(pace_wait((32, 80)), 0.0)
        self.assertEqual(pace_wait((78, 80)), 0.25)
        self.assertEqual(pace_wait(None), 0.0)
