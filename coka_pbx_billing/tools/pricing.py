"""What the PBX package costs (SPEC BIL-3..BIL-8). Integer Coin, no ORM.

A month is a calendar month (``relativedelta(months=n)``); proration uses days over 30.
"""

import math

from dateutil.relativedelta import relativedelta

DEFAULT_SEAT_MONTH_PRICE = 100000


def package_end(start, months):
    """The last day of a package of ``months`` calendar months starting ``start``."""
    return start + relativedelta(months=months)


def remaining_days(today, end):
    """Days left until ``end``, at least 1 (SPEC BIL-5)."""
    return max(1, (end - today).days)


def prorated(amount_per_month, today, end):
    """``ceil(amount × remaining days / 30)``: a monthly amount for the rest of a package.

    :param int amount_per_month: Coin for one month
    :param date today: the purchase day
    :param date end: the package's end date
    :return: int Coin
    """
    return math.ceil(amount_per_month * remaining_days(today, end) / 30)


def activation_cost(seats, months, price):
    """S × M × price (SPEC BIL-3)."""
    return seats * months * price


def extra_seats_cost(count, price, today, end):
    """ceil(k × price × remaining_days / 30) (SPEC BIL-5)."""
    return prorated(count * price, today, end)


def renewal_cost(seats, months, price, number_fees=0):
    """S × M × price + monthly fees of the owned numbers × M (SPEC BIL-6)."""
    return seats * months * price + number_fees * months


def number_cost(one_time_price, monthly_fee, today, end):
    """One-time price + the monthly fee prorated to the package end (SPEC BIL-8)."""
    return one_time_price + prorated(monthly_fee, today, end)


def next_extension_number(numbers, first=101):
    """The extension number after the highest numeric one of ``numbers`` (``first`` when
    there is none)."""
    taken = [int(number) for number in numbers if (number or "").isdigit()]
    return max(taken) + 1 if taken else first


def reminder_threshold(days_left, thresholds, reminded=0):
    """The reminder due with ``days_left`` days before the end, or 0 (SPEC BIL-7).

    :param int days_left: days from today to the package's last day
    :param thresholds: days before the end that get a reminder, e.g. ``(7, 1)``
    :param int reminded: the threshold of the last reminder sent this period (0: none)
    :return: the smallest threshold reached and not reminded yet, or 0
    """
    due = [t for t in thresholds if days_left <= t and (not reminded or t < reminded)]
    return min(due) if due else 0
