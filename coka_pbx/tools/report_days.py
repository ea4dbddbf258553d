"""Pure rules of the per-day call aggregate (PERF-5): which days to count again, and the
UTC bounds of a local day or hour. No Odoo import."""

from datetime import datetime, time, timedelta

import pytz


def local_midnight_utc(day, tz_name):
    """The UTC datetime (naive) of ``day``'s midnight in the time zone ``tz_name``."""
    tz = pytz.timezone(tz_name)
    local = tz.localize(datetime.combine(day, time.min))
    return local.astimezone(pytz.utc).replace(tzinfo=None)


def today_midnight_utc(now_utc, tz_name):
    """The UTC datetime (naive) of today's local midnight at ``now_utc`` (naive, UTC): the
    first instant the aggregate does not hold (the reports read what follows live)."""
    local_day = pytz.utc.localize(now_utc).astimezone(pytz.timezone(tz_name)).date()
    return local_midnight_utc(local_day, tz_name)


def day_bounds_utc(day, tz_name):
    """``(start, end)``: the UTC datetimes of ``day``'s local midnight and of the next day's."""
    return local_midnight_utc(day, tz_name), local_midnight_utc(day + timedelta(days=1), tz_name)


def changed_days(current, stored):
    """The keys (company id, day) to count again: those whose fingerprint (count, last
    write, sum of ids) differs from the stored one, and those stored that have no call any
    more (all deleted).

    :param current: ``{(company_id, day): fingerprint}`` of the calls now
    :param stored: ``{(company_id, day): fingerprint}`` of the last count
    :return: sorted list of keys
    """
    keys = {key for key, print_ in current.items() if stored.get(key) != print_}
    keys |= set(stored) - set(current)
    return sorted(keys)


def fingerprint(count, last_write, id_sum):
    """One day's fingerprint as stored: ``"count:last write:sum of ids"``."""
    written = last_write.isoformat() if last_write else ""
    return f"{count}:{written}:{id_sum}"


def day_ranges(keys):
    """The keys (company id, day) as ranges of consecutive days: ``[(company_id, first,
    last), ...]``, so that a day's count reads its calls with one range scan of the start
    index (a year counted again is one range, not 365)."""
    ranges = []
    for company, day in sorted(keys):
        if ranges and ranges[-1][0] == company and ranges[-1][2] + timedelta(days=1) == day:
            ranges[-1][2] = day
        else:
            ranges.append([company, day, day])
    return [tuple(item) for item in ranges]
