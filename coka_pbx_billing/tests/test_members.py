from datetime import date

from freezegun import freeze_time

from odoo.exceptions import UserError
from odoo.tests import tagged
from odoo.tests.common import new_test_user

from .common import PackageCase


@tagged("post_install", "-at_install")
class TestMembers(PackageCase):
    """BIL-4: members get an extension on the default hotline, within the seats."""

    def test_a_member_gets_an_extension_on_the_default_hotline(self):
        self.package._activate(2, 1)
        extension = self.package._add_member(self.agent)
        self.assertEqual(self.package.member_ids, self.agent)
        self.assertEqual(extension.user_id, self.agent)
        self.assertEqual(extension.company_id, self.company)
        self.assertEqual(extension.hotline_id, self.hotline)
        self.assertEqual(extension.number, "101")
        self.assertEqual(self.package._add_member(self.agent_2).number, "102")
        self.assertEqual(self.package.free_seats, 0)

    def test_an_existing_extension_is_reused(self):
        mine = self.env["coka.pbx.extension"].create(
            {"number": "301", "user_id": self.agent.id, "company_id": self.company.id}
        )
        self.package._activate(1, 1)
        self.assertEqual(self.package._add_member(self.agent), mine)
        self.assertEqual(mine.hotline_id, self.hotline)
        self.assertEqual(
            self.env["coka.pbx.extension"].search_count([("user_id", "=", self.agent.id)]), 1
        )

    def test_members_never_outnumber_seats(self):
        self.package._activate(1, 1)
        self.package._add_member(self.agent)
        with self.assertRaisesRegex(UserError, "All 1 seats are taken: buy more seats"):
            self.package._add_member(self.agent_2)
        with self.assertRaisesRegex(UserError, "already a member"):
            self.package._add_member(self.agent)
        self.package._add_seats(1)
        self.package._add_member(self.agent_2)
        self.assertEqual(len(self.package.member_ids), 2)

    def test_member_refusals(self):
        with self.assertRaisesRegex(UserError, "not active: activate or renew it before adding"):
            self.package._add_member(self.agent)
        self.package._activate(3, 1)
        stranger = new_test_user(self.env, login="stranger_member", groups="coka_pbx.group_agent")
        with self.assertRaisesRegex(UserError, "does not work in"):
            self.package._add_member(stranger)
        with self.assertRaisesRegex(UserError, "is not a member of the package"):
            self.package._remove_member(self.agent)

    def test_removing_a_member_archives_his_extension_and_keeps_his_calls(self):
        self.package._activate(1, 1)
        extension = self.package._add_member(self.agent)
        provider = self.env["coka.pbx.provider"].create({"name": "PBX", "code": "bil-members"})
        call = self.env["coka.pbx.call"].create(
            {
                "provider_id": provider.id,
                "provider_call_id": "bil-call-1",
                "hotline_id": self.hotline.id,
                "direction": "inbound",
                "from_number": "0912345678",
                "customer_number": "+84912345678",
                "extension_id": extension.id,
                "user_id": self.agent.id,
                "status": "answered",
                "company_id": self.company.id,
            }
        )
        self.package._remove_member(self.agent)
        self.assertFalse(extension.active)
        self.assertEqual(self.package.free_seats, 1)
        self.assertTrue(call.exists())
        self.assertEqual(call.extension_id, extension)
        # Back as a member: the same extension comes back.
        self.assertEqual(self.package._add_member(self.agent), extension)
        self.assertTrue(extension.active)

    def test_activation_needs_as_many_seats_as_members(self):
        self.package.sudo().member_ids = self.agent | self.agent_2
        with self.assertRaisesRegex(UserError, "has 2 members: buy at least 2 seats"):
            self.package._activate(1, 1)


@tagged("post_install", "-at_install")
class TestSeatRouting(PackageCase):
    """BIL-4, BIL-7: only members of an active package ring and call."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.provider = cls.env["coka.pbx.provider"].create(
            {"name": "Billing PBX", "code": "bil-pbx", "webhook_secret": "s3cret"}
        )
        cls.hotline.provider_id = cls.provider
        with freeze_time("2026-11-22"):
            cls.package._activate(2, 1)
            cls.ext_1 = cls.package._add_member(cls.agent)
        cls.ext_2 = cls.env["coka.pbx.extension"].create(
            {"number": "150", "user_id": cls.agent_2.id, "company_id": cls.company.id}
        )
        cls.hotline.ring_strategy = "sequential"
        cls.hotline.ring_member_ids = [
            (0, 0, {"extension_id": ext.id, "sequence": seq})
            for seq, ext in enumerate((cls.ext_1, cls.ext_2))
        ]

    def _ringing(self):
        return [target["extension"] for target in self.hotline._coka_route(None)["targets"]]

    def _originate(self, user):
        return self.env["coka.pbx.call"].with_user(user)._coka_originate("0912000555")

    @freeze_time("2026-12-01")
    def test_only_members_ring(self):
        self.assertEqual(self._ringing(), ["101"])
        self.assertEqual((self.ext_1 | self.ext_2)._coka_filter_routable(), self.ext_1)
        self.assertEqual((self.ext_1.seat_active, self.ext_2.seat_active), (True, False))
        self.package._add_member(self.agent_2)
        self.assertEqual(self._ringing(), ["101", "150"])
        self.assertTrue(self.ext_2.seat_active)
        self.package._remove_member(self.agent)
        self.assertFalse(self.ext_1.with_context(active_test=False).seat_active)
        self.assertEqual(self._ringing(), ["150"])

    @freeze_time("2026-12-01")
    def test_a_non_member_cannot_call(self):
        with self.assertRaisesRegex(UserError, "no seat in the PBX package"):
            self._originate(self.agent_2)

    def test_an_expired_package_stops_routing_and_calling(self):
        with freeze_time("2026-12-23"):
            self.env["coka.pbx.subscription"]._cron_expire()
        self.assertEqual(self.package.state, "expired")
        self.assertFalse(self.ext_1.seat_active)
        self.assertEqual(self._ringing(), [])
        with self.assertRaisesRegex(UserError, "expired on 2026-12-22: ask your administrator"):
            self._originate(self.agent)
        with freeze_time("2026-12-24"):
            self.package._renew(1)
        self.assertEqual(self._ringing(), ["101"])

    def test_a_company_without_package_cannot_call(self):
        other = self.env["res.company"].create({"name": "Công ty Chưa Mua"})
        user = new_test_user(
            self.env,
            login="bil_no_package",
            groups="coka_pbx.group_agent",
            company_id=other.id,
            company_ids=[(6, 0, other.ids)],
        )
        self.env["coka.pbx.extension"].create(
            {"number": "101", "user_id": user.id, "company_id": other.id}
        )
        with self.assertRaisesRegex(UserError, "has no active PBX package"):
            self._originate(user)


@tagged("post_install", "-at_install")
class TestExpiry(PackageCase):
    """BIL-7: the daily job expires packages and reminds administrators 7 and 1 days before."""

    def _reminders(self):
        return self.env["mail.activity"].search(
            [("res_model", "=", "coka.pbx.subscription"), ("res_id", "=", self.package.id)]
        )

    def _cron(self, day):
        with freeze_time(day):
            self.env["coka.pbx.subscription"]._cron_expire()

    def test_reminders_7_and_1_days_before_once_each(self):
        with freeze_time("2026-11-22"):
            self.package._activate(1, 1)
        self._cron("2026-12-14")
        self.assertFalse(self._reminders())
        self._cron("2026-12-15")
        reminders = self._reminders()
        self.assertEqual(len(reminders), 1)
        self.assertEqual(reminders.user_id, self.admin)
        self.assertIn("7 days", reminders.summary)
        self.assertEqual(reminders.date_deadline, date(2026, 12, 22))
        self._cron("2026-12-15")
        self._cron("2026-12-16")
        self.assertEqual(len(self._reminders()), 1)
        self._cron("2026-12-21")
        self._cron("2026-12-21")
        self.assertEqual(len(self._reminders()), 2)
        self._cron("2026-12-22")
        self.assertEqual(self.package.state, "active")
        self.assertEqual(len(self._reminders()), 2)
        self._cron("2026-12-23")
        self.assertEqual(self.package.state, "expired")

    def test_a_renewal_starts_a_new_reminder_period(self):
        with freeze_time("2026-11-22"):
            self.package._activate(1, 1)
        self._cron("2026-12-20")
        self.assertEqual(len(self._reminders()), 1)
        with freeze_time("2026-12-20"):
            self.package._renew(1)
        self.assertEqual(self.package.date_end, date(2027, 1, 22))
        self._cron("2027-01-15")
        self.assertEqual(len(self._reminders()), 2)

    def test_other_companies_administrators_are_not_reminded(self):
        other = self.env["res.company"].create({"name": "Công ty Khác"})
        outsider = new_test_user(
            self.env,
            login="bil_outside_admin",
            groups="coka_pbx.group_admin",
            company_id=other.id,
            company_ids=[(6, 0, other.ids)],
        )
        with freeze_time("2026-11-22"):
            self.package._activate(1, 1)
        self._cron("2026-12-21")
        self.assertNotIn(outsider, self._reminders().user_id)
        self.assertIn(self.admin, self._reminders().user_id)
