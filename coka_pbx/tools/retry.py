"""When a failed call to a provider is tried again, and when it stops (SPEC REL-3): the
backoff of background retries and the provider's own ``Retry-After``. No ORM."""

import time
from datetime import timedelta
from email.utils import parsedate_to_datetime

# The recording of a call is fetched at most this many times; then the call is marked
# "Recording fetch failed" for a manager to look at.
RECORDING_FETCH_MAX_ATTEMPTS = 8
FIRST_DELAY = timedelta(minutes=5)
MAX_DELAY = timedelta(days=1)


def next_delay(attempts, first=FIRST_DELAY, cap=MAX_DELAY):
    """How long to wait after the ``attempts``-th failure: doubled after each one.

    :param int attempts: failures so far (1 after the first one)
    :return: ``timedelta`` (5 min, 10 min, 20 min, ... at most ``cap``)
    """
    if attempts < 1:
        return timedelta(0)
    return min(first * 2 ** (attempts - 1), cap)


def gives_up(attempts, bound=RECORDING_FETCH_MAX_ATTEMPTS):
    """Is ``attempts`` failures the end of the retries?"""
    return attempts >= bound


# A provider's Retry-After is never followed for longer than this (seconds).
RETRY_AFTER_CAP = 86400


def retry_after_seconds(value, now=None):
    """The seconds a provider's ``Retry-After`` header asks to wait (RFC 9110: seconds or
    an HTTP date), at most ``RETRY_AFTER_CAP``, or ``None`` when absent or unreadable.

    :param now: the current epoch seconds, for a date (default: the clock)
    """
    if not value:
        return None
    value = str(value).strip()
    if value.isdigit():
        return min(int(value), RETRY_AFTER_CAP)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    now = time.time() if now is None else now
    return max(0, min(int(when.timestamp() - now), RETRY_AFTER_CAP))
