from datetime import date

from freezegun import freeze_time
from psycopg2 import IntegrityError

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import PackageCase


@tagged("post_install", "-at_install")
class TestNumbers(PackageCase):
    """BIL-8: buying a pool number, its renewal fees and its release."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.number = cls.env["coka.pbx.number"].create(
            {
                "number": "028 7300 6789",
                "number_type": "fixed",
                "carrier": "VNPT",
                "price": 500000,
                "monthly_fee": 60000,
            }
        )

    def test_purchase_charges_price_and_prorated_fee_and_makes_a_hotline(self):
        with freeze_time("2026-11-22"):
            self.package._activate(1, 1)
        with freeze_time("2026-12-07"):
            wizard = (
                self.env["coka.pbx.number.buy"]
                .with_user(self.admin)
                .create({"subscription_id": self.package.id, "number_id": self.number.id})
            )
            # 500,000 + ceil(60,000 × 15 / 30)
            self.assertEqual(wizard.cost, 530000)
            before = self.wallet.balance
            wizard.action_confirm()
        self.assertEqual(self._spent(before), 530000)
        # The newest line by id: the wallet's order is by date, and the setup's top-up is dated
        # at the real time, after the frozen purchase date once that date has come.
        line = self.wallet.transaction_ids.sorted("id")[-1]
        self.assertEqual(line.reference, "Hotline number 028 7300 6789 until 2026-12-22")
        self.assertEqual((self.number.state, self.number.company_id), ("sold", self.company))
        self.assertEqual(self.number.date_purchase, date(2026, 12, 7))
        hotline = self.number.hotline_id
        self.assertEqual((hotline.number_e164, hotline.company_id), ("+842873006789", self.company))
        self.assertFalse(hotline.is_default)
        self.assertEqual(self.package.number_ids, self.number)
        self.assertEqual(self.number.display_name, "028 7300 6789")

    def test_purchase_on_the_last_day_charges_one_day_of_fee(self):
        with freeze_time("2026-11-22"):
            self.package._activate(1, 1)
        with freeze_time("2026-12-22"):
            before = self.wallet.balance
            self.number._purchase(self.package)
        self.assertEqual(self._spent(before), 502000)

    def test_the_default_hotline_is_free(self):
        with freeze_time("2026-11-22"):
            self.package._activate(2, 1)
            # The company's default hotline is not a pool number: renewals charge seats only.
            self.assertTrue(self.company._coka_default_hotline().is_default)
            self.assertEqual(self.package.number_fees, 0)
            self.assertEqual(self.package._renew(1).amount, -200000)

    def test_purchase_refusals(self):
        with self.assertRaisesRegex(UserError, "Activate or renew the PBX package before buying"):
            self.number._purchase(self.package)
        self.package._activate(1, 1)
        self.number._purchase(self.package)
        with self.assertRaisesRegex(UserError, "is not for sale"):
            self.number._purchase(self.package)
        with self.assertRaisesRegex(ValidationError, "not a valid phone number"):
            self.env["coka.pbx.number"].create({"number": "12"})

    def test_pool_number_keys(self):
        # The phone-key mixin of coka_pbx: mobile and landline keys, one message for junk.
        Number = self.env["coka.pbx.number"]
        self.assertEqual(self.number.number_e164, "+842873006789")
        mobile = Number.create({"number": "0912 000 444", "number_type": "mobile"})
        self.assertEqual(mobile.number_e164, "+84912000444")
        mobile.number = "84 24 3825 1111"
        self.assertEqual(mobile.number_e164, "+842438251111")
        with self.assertRaises(ValidationError) as caught:
            mobile.number = "09"
        self.assertEqual(str(caught.exception), "Number: 09 is not a valid phone number.")
        self.assertEqual(Number._coka_search_phone("028 7300 6789"), self.number)

    def test_pool_constraints(self):
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError):
            # The same number written another way.
            self.env["coka.pbx.number"].create({"number": "+84 28 7300 6789"})
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError):
            self.env["coka.pbx.number"].create({"number": "028 7300 0001", "price": -1})

    def test_a_reserved_number_is_for_its_company_only(self):
        other = self.env["res.company"].create({"name": "Công ty Khác"})
        self.number.write({"state": "reserved", "company_id": other.id})
        self.package._activate(1, 1)
        # The buy dialog offers what the purchase accepts: one rule for both.
        Number = self.env["coka.pbx.number"]
        offered = Number.search(Number._coka_buyable_domain(self.company.id))
        self.assertNotIn(self.number, offered)
        self.assertIn(self.number, Number.search(Number._coka_buyable_domain(other.id)))
        with self.assertRaisesRegex(UserError, "is not for sale"):
            self.number._purchase(self.package)
        self.number.company_id = self.company
        self.number._purchase(self.package)
        self.assertEqual(self.number.state, "sold")

    def test_numbers_of_a_package_expired_30_days_go_back_to_the_pool(self):
        with freeze_time("2026-11-22"):
            self.package._activate(1, 1)
            self.number._purchase(self.package)
        hotline = self.number.hotline_id
        Number = self.env["coka.pbx.number"]
        with freeze_time("2026-12-23"):
            self.env["coka.pbx.subscription"]._cron_expire()
        with freeze_time("2027-01-21"):
            Number._cron_release()
        self.assertEqual(self.number.state, "sold")
        with freeze_time("2027-01-22"):
            Number._cron_release()
        self.assertEqual(self.number.state, "released")
        self.assertFalse(self.number.company_id)
        self.assertFalse(hotline.active)
        # Back on sale: the same company may buy it again; its hotline comes back.
        with freeze_time("2027-01-22"):
            self.package._renew(1)
            self.assertEqual(self.number._purchase(self.package), hotline)
        self.assertTrue(hotline.active)


@tagged("post_install", "-at_install")
class TestNumberRequests(PackageCase):
    """BIL-9: a request gives the Coin Operators an activity; done reserves the number."""

    def _request(self):
        return (
            self.env["coka.pbx.number.request"]
            .with_user(self.admin)
            .create({"number_type": "1800", "prefix": "1800", "pattern": "6868"})
        )

    def test_request_reserves_the_chosen_number_for_the_company(self):
        request = self._request()
        self.assertEqual(request.company_id, self.company)
        self.assertEqual(request.state, "new")
        self.assertIn(self.operator, request.sudo().activity_ids.user_id)
        number = self.env["coka.pbx.number"].create(
            {"number": "1800 6868", "number_type": "1800", "price": 1000000}
        )
        request = request.with_user(self.operator)
        request.action_start()
        with self.assertRaisesRegex(UserError, "Choose the number to reserve"):
            request.action_done()
        request.number_id = number
        request.action_done()
        self.assertEqual(request.state, "done")
        self.assertFalse(request.sudo().activity_ids)
        self.assertEqual((number.state, number.company_id), ("reserved", self.company))
        with self.assertRaisesRegex(UserError, "already closed"):
            request.action_reject()
        self.package._activate(1, 1)
        number._purchase(self.package)
        self.assertEqual(number.state, "sold")

    def test_request_refusals(self):
        request = self._request()
        with self.assertRaisesRegex(UserError, "Only a Coin Operator"):
            request.action_done()
        taken = self.env["coka.pbx.number"].create({"number": "1800 1234", "state": "sold"})
        request = request.with_user(self.operator)
        request.number_id = taken
        with self.assertRaisesRegex(UserError, "is not available any more"):
            request.action_done()
        request.action_reject()
        self.assertEqual(request.state, "rejected")
        with self.assertRaisesRegex(UserError, "Only new requests"):
            request.action_start()


@tagged("post_install", "-at_install")
class TestBillingAccess(PackageCase):
    """SEC-1, SEC-2, REL-4: Agents see no billing; no company sees another's."""

    def test_agent_sees_neither_the_package_nor_the_wallet_nor_numbers(self):
        for records in (
            self.package,
            self.wallet,
            self.env["coka.pbx.number"].create({"number": "028 7300 1111"}),
            self._request_as_admin(),
        ):
            with self.subTest(model=records._name), self.assertRaises(AccessError):
                records.with_user(self.agent).read(["company_id"])
        with self.assertRaises(AccessError):
            self.package.with_user(self.agent)._activate(1, 1)
        with self.assertRaises(AccessError):
            self.env["coka.pbx.number.request"].with_user(self.agent).create({})

    def _request_as_admin(self):
        return self.env["coka.pbx.number.request"].with_user(self.admin).create({})

    def test_administrators_read_but_cannot_write_the_package(self):
        self.assertEqual(self.package.read(["seats"])[0]["seats"], 0)
        with self.assertRaises(AccessError):
            self.package.write({"seats": 50})

    def test_another_company_cannot_see_the_package(self):
        other = self.env["res.company"].create({"name": "Công ty Khác"})
        theirs = other._coka_pbx_subscription()
        Subscription = self.env["coka.pbx.subscription"].with_user(self.admin)
        self.assertEqual(Subscription.search([]), self.package)
        with mute_logger("odoo.addons.base.models.ir_rule"), self.assertRaises(AccessError):
            theirs.with_user(self.admin).read(["state"])
        with self.assertRaises(AccessError):
            theirs.with_user(self.admin)._activate(1, 1)
        their_request = self.env["coka.pbx.number.request"].create({"company_id": other.id})
        self.assertNotIn(
            their_request, self.env["coka.pbx.number.request"].with_user(self.admin).search([])
        )

    def test_pool_numbers_are_seen_by_all_companies_sold_ones_by_their_owner(self):
        other = self.env["res.company"].create({"name": "Công ty Khác"})
        free = self.env["coka.pbx.number"].create({"number": "028 7300 2222"})
        sold = self.env["coka.pbx.number"].create(
            {"number": "028 7300 3333", "state": "sold", "company_id": other.id}
        )
        visible = self.env["coka.pbx.number"].with_user(self.admin).search([])
        self.assertIn(free, visible)
        self.assertNotIn(sold, visible)
