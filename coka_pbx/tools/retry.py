"""When a failed background fetch is tried again, and when it stops (SPEC REL-3). No ORM."""

from datetime import timedelta

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
