from datetime import date

from odoo.tests import tagged
from odoo.tests.common import BaseCase

from ..tools import pricing


@tagged("post_install", "-at_install")
class TestPricing(BaseCase):
    """BIL-3..BIL-8 cost formulas with fixed dates."""

    def test_activation_and_end_date(self):
        self.assertEqual(pricing.activation_cost(3, 2, 100000), 600000)
        self.assertEqual(pricing.package_end(date(2026, 1, 31), 1), date(2026, 2, 28))
        self.assertEqual(pricing.package_end(date(2026, 11, 22), 12), date(2027, 11, 22))

    def test_extra_seats_are_prorated_by_days_over_30(self):
        end = date(2026, 12, 31)
        # 2 seats × 100,000 × 39 days / 30 = 260,000
        self.assertEqual(pricing.extra_seats_cost(2, 100000, date(2026, 11, 22), end), 260000)
        # 1 seat × 100,000 × 7 / 30 = 23,333.33 → 23,334 (rounded up)
        self.assertEqual(pricing.extra_seats_cost(1, 100000, date(2026, 12, 24), end), 23334)
        # On the last day (and after), at least one day is charged.
        self.assertEqual(pricing.extra_seats_cost(1, 100000, end, end), 3334)
        self.assertEqual(pricing.remaining_days(date(2027, 1, 5), end), 1)

    def test_renewal_includes_number_fees(self):
        self.assertEqual(pricing.renewal_cost(5, 3, 100000), 1500000)
        self.assertEqual(pricing.renewal_cost(5, 3, 100000, number_fees=50000), 1650000)

    def test_number_purchase(self):
        cost = pricing.number_cost(500000, 60000, date(2026, 11, 22), date(2026, 12, 22))
        self.assertEqual(cost, 560000)

    def test_renewal_with_numbers_and_proration_on_the_last_day(self):
        end = date(2027, 2, 28)
        # Expired package renewed with fewer seats: 2 seats × 3 months + 60,000 × 3
        self.assertEqual(pricing.renewal_cost(2, 3, 100000, number_fees=60000), 780000)
        self.assertEqual(pricing.number_cost(0, 60000, end, end), 2000)

    def test_next_extension_number(self):
        self.assertEqual(pricing.next_extension_number([]), 101)
        self.assertEqual(pricing.next_extension_number(["101", "x", "105", "", None]), 106)

    def test_reminder_thresholds_fire_once_each(self):
        due = [
            pricing.reminder_threshold(days, (7, 1), reminded)
            for days, reminded in ((8, 0), (7, 0), (5, 7), (1, 7), (0, 1), (3, 0), (0, 0))
        ]
        self.assertEqual(due, [0, 7, 0, 1, 0, 7, 1])
