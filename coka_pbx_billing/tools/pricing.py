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
