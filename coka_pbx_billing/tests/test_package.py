from datetime import date

from freezegun import freeze_time
from psycopg2 import IntegrityError

from odoo.exceptions import AccessError, RedirectWarning, UserError
from odoo.tests import Form, tagged
from odoo.tools import mute_logger

from .common import PackageCase


@tagged("post_install", "-at_install")
class TestPackagePurchases(PackageCase):
    """BIL-3, BIL-5, BIL-6: what each purchase costs, with fixed dates, and the refusals."""

    def test_one_package_per_company_created_on_demand(self):
        self.assertEqual(self.package.state, "draft")
        self.assertEqual(self.company._coka_pbx_subscription(), self.package)
        self.assertEqual(
            self.env["coka.pbx.subscription"].search_count([("company_id", "=", self.company.id)]),
            1,
        )

    def test_a_second_package_is_refused_by_the_database(self):
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError):
            self.env["coka.pbx.subscription"].create({"company_id": self.company.id})

    @freeze_time("2026-01-31")
    def test_activation_costs_seats_months_price_and_ends_months_later(self):
        line = self.package._activate(3, 2)
        self.assertEqual(line.amount, -600000)
        self.assertEqual(line.kind, "purchase")
        self.assertEqual(line.reference, "PBX package: 3 seats × 2 months")
        self.assertEqual(self.wallet.balance, 9400000)
        self.assertEqual((self.package.state, self.package.seats), ("active", 3))
        self.assertEqual(self.package.date_start, date(2026, 1, 31))
        self.assertEqual(self.package.date_end, date(2026, 3, 31))

    @freeze_time("2026-11-22")
    def test_activation_uses_the_seat_month_price_setting(self):
        self.env["ir.config_parameter"].sudo().set_param("coka_pbx_billing.seat_month_price", 80000)
        self.assertEqual(self.package._activate(2, 12).amount, -1920000)
        self.assertEqual(self.package.date_end, date(2027, 11, 22))

    def test_activation_refusals(self):
        with self.assertRaisesRegex(UserError, "at least 1 seat"):
            self.package._activate(0, 1)
        with self.assertRaisesRegex(UserError, "at least 1 month"):
            self.package._activate(1, 0)
        self.package._activate(1, 1)
        with self.assertRaisesRegex(UserError, "already activated: renew it or buy extra"):
            self.package._activate(1, 1)

    def test_refused_debit_changes_nothing(self):
        with self.assertRaises(RedirectWarning) as refusal:
            self.package._activate(10, 12)
        self.assertIn("12,000,000", str(refusal.exception.args[0]))
        self.assertEqual(self.package.state, "draft")
        self.assertEqual(self.package.seats, 0)
        self.assertEqual(self.wallet.balance, 10000000)

    def test_extra_seats_are_prorated_to_the_package_end(self):
        with freeze_time("2026-11-22"):
            self.package._activate(2, 1)
        self.assertEqual(self.package.date_end, date(2026, 12, 22))
        with freeze_time("2026-12-13"):
            # 2 seats × 100,000 × 9 days / 30 = 60,000
            line = self.package._add_seats(2)
        self.assertEqual(line.amount, -60000)
        self.assertEqual(line.reference, "PBX package: 2 extra seats until 2026-12-22")
        self.assertEqual(self.package.seats, 4)
        self.assertEqual(self.package.date_end, date(2026, 12, 22))
        with freeze_time("2026-12-15"):
            # 1 × 100,000 × 7 / 30 = 23,333.3 → 23,334
            self.assertEqual(self.package._add_seats(1).amount, -23334)

    def test_extra_seats_on_the_last_day_cost_one_day(self):
        with freeze_time("2026-11-22"):
            self.package._activate(1, 1)
        with freeze_time("2026-12-22"):
            self.assertEqual(self.package._add_seats(3).amount, -10000)
        self.assertEqual(self.package.seats, 4)

    def test_extra_seats_refusals(self):
        with self.assertRaisesRegex(UserError, "only be bought while the package is active"):
            self.package._add_seats(1)
        with freeze_time("2026-11-22"):
            self.package._activate(1, 1)
            with self.assertRaisesRegex(UserError, "at least 1 seat"):
                self.package._add_seats(0)
        with freeze_time("2026-12-23"):
            with self.assertRaisesRegex(UserError, "only be bought while the package is active"):
                self.package._add_seats(1)

    def test_renewal_of_an_active_package_renews_all_seats_and_moves_the_end(self):
        with freeze_time("2026-11-22"):
            self.package._activate(3, 1)
        with freeze_time("2026-12-20"):
            line = self.package._renew(2)
            self.assertEqual(line.amount, -600000)
            self.assertEqual(line.reference, "PBX package renewal: 3 seats × 2 months")
            self.assertEqual(self.package.date_start, date(2026, 11, 22))
            self.assertEqual(self.package.date_end, date(2027, 2, 22))
            with self.assertRaisesRegex(UserError, "can be reduced only after the package has"):
                self.package._renew(1, seats=2)
            with self.assertRaisesRegex(UserError, "buy extra seats first"):
                self.package._renew(1, seats=4)
            self.assertEqual(self.package._renew(1, seats=3).amount, -300000)
        self.assertEqual(self.package.date_end, date(2027, 3, 22))

    def test_renewal_of_an_expired_package_may_reduce_seats_down_to_the_members(self):
        with freeze_time("2026-11-22"):
            self.package._activate(3, 1)
            self.package._add_member(self.agent)
            self.package._add_member(self.agent_2)
        with freeze_time("2027-01-05"):
            self.env["coka.pbx.subscription"]._cron_expire()
            self.assertEqual(self.package.state, "expired")
            with self.assertRaisesRegex(UserError, "renew at least 2 seats, or remove members"):
                self.package._renew(1, seats=1)
            self.package._remove_member(self.agent_2)
            line = self.package._renew(2, seats=1)
        self.assertEqual(line.amount, -200000)
        self.assertEqual(self.package.state, "active")
        self.assertEqual(self.package.seats, 1)
        self.assertEqual(self.package.date_start, date(2027, 1, 5))
        self.assertEqual(self.package.date_end, date(2027, 3, 5))

    def test_renewal_of_an_expired_package_keeps_its_seats_by_default(self):
        with freeze_time("2026-11-22"):
            self.package._activate(2, 1)
        with freeze_time("2027-02-01"):
            # Not marked expired by the cron yet: past its end, it renews from today.
            self.assertEqual(self.package._renew(1).amount, -200000)
            self.assertEqual(self.package.date_end, date(2027, 3, 1))

    def test_renewal_refusals(self):
        with self.assertRaisesRegex(UserError, "Activate the PBX package before renewing"):
            self.package._renew(1)
        self.package._activate(1, 1)
        with self.assertRaisesRegex(UserError, "at least 1 month"):
            self.package._renew(0)

    def test_renewal_includes_the_bought_numbers_monthly_fees(self):
        number = self.env["coka.pbx.number"].create(
            {"number": "028 7300 6789", "price": 0, "monthly_fee": 50000}
        )
        with freeze_time("2026-11-22"):
            self.package._activate(3, 1)
            number._purchase(self.package)
            self.assertEqual(self.package.number_fees, 50000)
            # 3 × 2 × 100,000 + 50,000 × 2
            self.assertEqual(self.package._renew(2).amount, -700000)

    def test_only_administrators_buy(self):
        package = self.package.with_user(self.operator)
        with self.assertRaisesRegex(AccessError, "Only a Call Center Administrator"):
            package._activate(1, 1)


@tagged("post_install", "-at_install")
class TestPackageWizards(PackageCase):
    """The wizards show the exact cost the purchase then charges."""

    def _wizard(self, model, **vals):
        return (
            self.env[model]
            .with_user(self.admin)
            .create(dict(vals, subscription_id=self.package.id))
        )

    @freeze_time("2026-11-22")
    def test_activate_wizard(self):
        wizard = self._wizard("coka.pbx.package.activate", seats=2, months=3)
        self.assertEqual(wizard.cost, 600000)
        self.assertEqual(wizard.date_end, date(2027, 2, 22))
        self.assertEqual(wizard.wallet_balance, 10000000)
        wizard.action_confirm()
        self.assertEqual(self.wallet.balance, 10000000 - wizard.cost)

    @freeze_time("2026-11-22")
    def test_activate_dialog_updates_the_cost_as_the_admin_types(self):
        Activate = self.env["coka.pbx.package.activate"].with_user(self.admin)
        with Form(Activate.with_context(default_subscription_id=self.package.id)) as dialog:
            self.assertEqual(dialog.cost, 100000)
            dialog.seats = 4
            dialog.months = 6
            self.assertEqual(dialog.cost, 2400000)
            self.assertEqual(dialog.date_end, date(2027, 5, 22))
        dialog.record.action_confirm()
        self.assertEqual(self.wallet.balance, 10000000 - 2400000)

    def test_renew_dialog_lets_the_seats_change_only_once_expired(self):
        with freeze_time("2026-11-22"):
            self.package._activate(3, 1)
        Renew = self.env["coka.pbx.package.renew"].with_user(self.admin)
        Renew = Renew.with_context(default_subscription_id=self.package.id)
        with freeze_time("2026-12-01"), Form(Renew) as dialog:
            self.assertEqual((dialog.seats, dialog.cost), (3, 300000))
            with self.assertRaises(AssertionError):
                dialog.seats = 1  # read-only while the package runs
        with freeze_time("2027-01-01"), Form(Renew) as dialog:
            dialog.seats = 1
            dialog.months = 2
            self.assertEqual(dialog.cost, 200000)

    def test_extra_seats_and_renew_wizards(self):
        with freeze_time("2026-11-22"):
            self.package._activate(2, 1)
        with freeze_time("2026-12-13"):
            seats = self._wizard("coka.pbx.seat.add", count=1)
            self.assertEqual((seats.remaining_days, seats.cost), (9, 30000))
            before = self.wallet.balance
            seats.action_confirm()
            self.assertEqual(self._spent(before), 30000)
            renew = self._wizard("coka.pbx.package.renew", months=2)
            self.assertTrue(renew.running)
            self.assertEqual((renew.seats, renew.cost), (3, 600000))
            self.assertEqual(renew.date_end, date(2027, 2, 22))
            before = self.wallet.balance
            renew.action_confirm()
            self.assertEqual(self._spent(before), 600000)

    def test_renew_wizard_of_an_expired_package_takes_the_seats(self):
        with freeze_time("2026-11-22"):
            self.package._activate(4, 1)
        with freeze_time("2027-01-10"):
            self.env["coka.pbx.subscription"]._cron_expire()
            renew = self._wizard("coka.pbx.package.renew", months=1)
            self.assertFalse(renew.running)
            self.assertEqual(renew.seats, 4)
            renew.seats = 2
            self.assertEqual(renew.cost, 200000)
            renew.action_confirm()
        self.assertEqual((self.package.seats, self.package.state), (2, "active"))

    def test_member_wizards(self):
        self.package._activate(2, 1)
        self._wizard(
            "coka.pbx.member.add", user_ids=[(6, 0, (self.agent | self.agent_2).ids)]
        ).action_confirm()
        self.assertEqual(self.package.member_ids, self.agent | self.agent_2)
        self._wizard("coka.pbx.member.remove", user_ids=[(6, 0, self.agent.ids)]).action_confirm()
        self.assertEqual(self.package.member_ids, self.agent_2)

    def test_package_buttons_open_their_wizards(self):
        for method, model in (
            ("action_activate", "coka.pbx.package.activate"),
            ("action_add_seats", "coka.pbx.seat.add"),
            ("action_renew", "coka.pbx.package.renew"),
            ("action_add_member", "coka.pbx.member.add"),
            ("action_remove_member", "coka.pbx.member.remove"),
            ("action_buy_number", "coka.pbx.number.buy"),
            ("action_request_number", "coka.pbx.number.request"),
        ):
            action = getattr(self.package, method)()
            self.assertEqual(action["res_model"], model)
        mine = self.env["coka.pbx.subscription"].with_user(self.admin).action_open_package()
        self.assertEqual(mine["res_id"], self.package.id)

    def test_the_package_menu_opens_it_for_an_administrator(self):
        action = self.env.ref("coka_pbx_billing.coka_pbx_subscription_action_mine")
        result = action.with_user(self.admin).run()
        self.assertEqual(
            (result["res_model"], result["res_id"]), (self.package._name, self.package.id)
        )
        with self.assertRaises(AccessError):
            action.with_user(self.agent).run()
