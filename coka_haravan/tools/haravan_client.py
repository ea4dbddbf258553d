"""Haravan's customer API (SPEC HRV-1, HRV-2, REL-3). No ORM.

Documented API (https://docs.haravan.com, "Customer"), base ``https://apis.haravan.com``:

- ``GET /com/customers.json`` and ``GET /com/customers/search.json?query=…`` answer
  ``{"customers": [...]}``; ``POST /com/customers.json`` with ``{"customer": {first_name,
  last_name, email, phone, addresses}}`` answers 201 ``{"customer": {"id": …}}``.
- ``Authorization: Bearer <access token>``; the app needs the scopes
  ``com.read_customers`` and ``com.write_customers`` (HTTP 401: bad token, 403: missing
  scope). Email and phone are each unique in a shop (HTTP 422 otherwise).
- Rate limit: a leaky bucket (80 calls, 4 leak per second); a full bucket answers HTTP 429,
  maybe with ``Retry-After``.

Every HTTP exchange goes through the ONE transport method ``_request``; ``_call`` waits and
retries a 429 a bounded number of times. Failures are coka_pbx's ``ProviderError``:
``kind`` ``auth`` (401/403, ``status`` says which) is a configuration error; ``timeout``,
``unreachable``, ``server_error``, ``not_json``, ``unexpected``, ``rate_limited`` (still
busy after the retries) and ``refused`` (4xx, Haravan's reason in ``detail``) concern one
call. The token is never logged.
"""

import logging
import time
from datetime import timedelta

import requests

from odoo.addons.coka_pbx.tools import retry
from odoo.addons.coka_pbx.tools.pbx_client import ProviderError, http_error

from . import mapping

_logger = logging.getLogger(__name__)

DEFAULT_API_URL = "https://apis.haravan.com"
CUSTOMERS_PATH = "/com/customers.json"
SEARCH_PATH = "/com/customers/search.json"
CONNECT_TIMEOUT = 5
READ_TIMEOUT = 20
# A 429 is retried this many times, waiting Retry-After or 0.25 s, 0.5 s, 1 s … at most
# RATE_MAX_WAIT; then the call fails as "rate_limited".
RATE_RETRIES = 6
RATE_FIRST_WAIT = timedelta(seconds=0.25)
RATE_MAX_WAIT = timedelta(seconds=10)
# Haravan's bucket leaks 4 calls a second; when its X-Haravan-Api-Call-Limit header says it
# is within RATE_RESERVE calls of full, the next call first waits for one call to leak.
LEAK_PER_SECOND = 4
RATE_RESERVE = 2
CALL_LIMIT_HEADER = "X-Haravan-Api-Call-Limit"


def parse_call_limit(value):
    """``"32/80"`` (calls in the bucket / its size) as ``(32, 80)``, or ``None``."""
    used, _sep, size = str(value or "").partition("/")
    if not (used.strip().isdigit() and size.strip().isdigit()):
        return None
    return int(used), int(size)


def pace_wait(call_limit):
    """Seconds to wait before the next call for the bucket state ``(used, size)``: one
    leak when it is nearly full, else 0."""
    if not call_limit:
        return 0.0
    used, size = call_limit
    return 1.0 / LEAK_PER_SECOND if used >= size - RATE_RESERVE else 0.0


def rate_wait(attempts, retry_after=None):
    """Seconds to wait after the ``attempts``-th 429 in a row (coka_pbx's backoff), the
    ``Retry-After`` asked for when there is one (never more than ``RATE_MAX_WAIT``)."""
    if retry_after is not None:
        return min(float(retry_after), RATE_MAX_WAIT.total_seconds())
    return retry.next_delay(attempts, RATE_FIRST_WAIT, RATE_MAX_WAIT).total_seconds()


def _reason(response):
    """Haravan's reason of a refusal: ``{"errors": {"email": ["…"]}}`` or ``{"error": …}``."""
    try:
        answer = response.json()
    except ValueError:
        return (response.text or "")[:200]
    if not isinstance(answer, dict):
        return ""
    errors = answer.get("errors") or answer.get("error") or answer.get("message") or ""
    if isinstance(errors, dict):
        parts = []
        for field, problems in errors.items():
            problems = problems if isinstance(problems, list) else [problems]
            parts.append(f"{field} {', '.join(str(p) for p in problems)}")
        errors = "; ".join(parts)
    elif isinstance(errors, list):
        errors = "; ".join(str(e) for e in errors)
    return str(errors)[:300]


class HaravanClient:
    """A shop's customer API.

    :param str base_url: the API base (``DEFAULT_API_URL``; a test points it at a fake)
    :param str token: the shop's access token, sent as ``Authorization: Bearer``
    :param sleep: the function that waits (tests pass their own)
    """

    def __init__(self, base_url, token, sleep=time.sleep):
        if not base_url:
            raise ProviderError("no_url")
        self.base_url = base_url.rstrip("/")
        self.token = token or ""
        self.timeout = (CONNECT_TIMEOUT, READ_TIMEOUT)
        self.sleep = sleep
        # The bucket as Haravan's last answer showed it: (calls in it, its size), or None.
        self.call_limit = None

    def _request(self, method, path, params=None, json_body=None):
        """The one transport method: one HTTP request, explicit timeouts, clear errors.

        :return: the decoded JSON answer (a dict)
        :raise ProviderError: network failure, HTTP error, a body that is not a JSON object
        """
        try:
            response = requests.request(
                method,
                f"{self.base_url}{path}",
                params=params,
                json=json_body,
                headers={"Authorization": f"Bearer {self.token}", "Accept": "application/json"},
                timeout=self.timeout,
            )
        except requests.Timeout:
            raise ProviderError("timeout", retryable=True, detail="no answer in time") from None
        except requests.RequestException as error:
            # The error names the URL, never the headers: the token is not logged.
            _logger.info("Haravan request %s %s failed: %s", method, path, type(error).__name__)
            raise ProviderError("unreachable", retryable=True, detail="cannot connect") from None
        status = response.status_code
        self.call_limit = parse_call_limit(response.headers.get(CALL_LIMIT_HEADER))
        if status >= 400:
            # A server error's body is not read: it is often an HTML page of a proxy.
            raise http_error(response, _reason(response) if status < 500 else "")
        try:
            answer = response.json()
        except ValueError:
            raise ProviderError("not_json", status=status, detail="not JSON") from None
        if not isinstance(answer, dict):
            raise ProviderError("unexpected", status=status, detail="not a JSON object")
        return answer

    def _call(self, method, path, params=None, json_body=None):
        """``_request``, paced by Haravan's call-limit header, waiting and trying again
        while Haravan answers 429, at most ``RATE_RETRIES`` times."""
        attempts = 0
        while True:
            wait = pace_wait(self.call_limit)
            if wait:
                self.sleep(wait)
            try:
                return self._request(method, path, params=params, json_body=json_body)
            except ProviderError as error:
                if error.kind != "rate_limited" or attempts >= RATE_RETRIES:
                    raise
                attempts += 1
                self.sleep(rate_wait(attempts, error.retry_after))

    # Customers ----------------------------------------------------------------------------

    @staticmethod
    def _customers(answer):
        customers = answer.get("customers")
        if not isinstance(customers, list):
            raise ProviderError("unexpected", detail="no customers list in the answer")
        return [customer for customer in customers if isinstance(customer, dict)]

    def search(self, query):
        """:return: the customers Haravan's search finds for ``query`` (list of dicts)"""
        answer = self._call("GET", SEARCH_PATH, params={"query": query})
        return self._customers(answer)

    def find_existing(self, number=None, email=None):
        """The shop's customer with this phone (in any format) or this email.

        Haravan's search matches words; its answers are checked here: the customer's phone
        must reach the same line, its email be the same (case aside).

        :return: the customer (dict) or ``None``
        """
        hrv_phone = mapping.haravan_phone(number)
        if hrv_phone:
            for customer in self.search(hrv_phone):
                if mapping.same_phone(customer.get("phone"), hrv_phone):
                    return customer
        if email:
            for customer in self.search(email.strip()):
                if mapping.same_email(customer.get("email"), email):
                    return customer
        return None

    def create_customer(self, payload):
        """Create a customer. :return: its Haravan id (str)"""
        answer = self._call("POST", CUSTOMERS_PATH, json_body=payload)
        customer = answer.get("customer")
        ref = customer.get("id") if isinstance(customer, dict) else None
        if not isinstance(ref, str | int) or isinstance(ref, bool) or not str(ref):
            raise ProviderError("unexpected", detail="Haravan created no customer id")
        return str(ref)

    def test_connection(self):
        """Read one customer (needs ``com.read_customers``). :return: how many came back"""
        answer = self._call("GET", CUSTOMERS_PATH, params={"limit": 1, "fields": "id"})
        return len(self._customers(answer))
