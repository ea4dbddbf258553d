"""How the message cron sends and retries (SPEC MSG-3, REL-3). No ORM."""

from datetime import timedelta

from odoo.addons.coka_pbx.tools import retry

BATCH_SIZE = 100
CRON_LIMIT = 5000
# A message is tried at most this many times on transient errors, then failed with the
# provider's last reason.
MAX_ATTEMPTS = 6
FIRST_DELAY = timedelta(minutes=1)
MAX_DELAY = timedelta(hours=2)


def retry_delay(attempts, retry_after=None):
    """The wait after the ``attempts``-th transient failure: doubled each time (1 min,
    2 min, 4 min … at most 2 h), never shorter than a 429's ``Retry-After`` seconds."""
    delay = retry.next_delay(attempts, FIRST_DELAY, MAX_DELAY)
    if retry_after:
        delay = max(delay, timedelta(seconds=int(retry_after)))
    return delay
