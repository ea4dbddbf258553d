"""A local fake Haravan shop for the tests (real sockets, threaded ``http.server``).

It speaks the documented customer paths (``GET|POST /com/customers.json``,
``GET /com/customers/search.json?query=``), checks the Bearer token and its scopes (401 /
403), refuses a second customer with the same phone or email (422, like Haravan: each is
unique in a shop), and throttles with a leaky bucket (``capacity`` calls, ``leak_rate`` per
second; a full bucket answers 429, with ``Retry-After`` when ``retry_after`` is set; every
answer carries the bucket state in ``X-Haravan-Api-Call-Limit`` unless ``limit_header`` is
off).
``faults`` is a list of scripted answers used first, one per request: ``("http", status)``,
``("sleep", seconds)`` (answers too late), ``("raw", bytes)`` (not JSON),
``("create_then_sleep", seconds)`` (creates the customer, then answers too late); ``None``
for a request answered as usual.
"""

import json
import time
from urllib.parse import parse_qs, urlparse

from odoo.addons.coka_pbx.tests.fake_server import FakeServer
from odoo.addons.coka_pbx.tools import phone

READ_SCOPE = "com.read_customers"
WRITE_SCOPE = "com.write_customers"


class FakeHaravan(FakeServer):
    def __init__(self, token="hrv-token"):
        super().__init__()
        self.token = token
        self.reset()

    def reset(self):
        """Forget everything (each test starts with an empty shop)."""
        with self.lock:
            self.customers = {}  # id -> customer dict
            self.next_id = 1000
            self.requests = []  # (method, path, query dict, body)
            self.faults = []
            self.scopes = {READ_SCOPE, WRITE_SCOPE}
            self.capacity = 1000
            self.leak_rate = 1000.0
            self.retry_after = None
            self.level = 0.0
            self.stamp = time.monotonic()
            self.throttled = 0
            self.limit_header = True

    def add_customer(self, **values):
        with self.lock:
            return self._store(values)

    def _store(self, values):
        self.next_id += 1
        customer = {"id": self.next_id, **values}
        self.customers[self.next_id] = customer
        return customer

    def _bucket_full(self):
        now = time.monotonic()
        self.level = max(0.0, self.level - (now - self.stamp) * self.leak_rate)
        self.stamp = now
        if self.level + 1 > self.capacity:
            self.throttled += 1
            return True
        self.level += 1
        return False

    def handle(self, handler, method, body):
        url = urlparse(handler.path)
        query = {key: values[0] for key, values in parse_qs(url.query).items()}
        with self.lock:
            self.requests.append((method, url.path, query, body))
            fault = self.faults.pop(0) if self.faults else None
            full = self._bucket_full()
            level = f"{int(self.level)}/{self.capacity}"
        headers = {"X-Haravan-Api-Call-Limit": level} if self.limit_header else {}
        if handler.headers.get("Authorization") != f"Bearer {self.token}":
            return handler._answer(401, {"errors": "[API] Invalid API key or access token"})
        if full:
            if self.retry_after is not None:
                headers["Retry-After"] = str(self.retry_after)
            return handler._answer(429, {"errors": "Exceeded call limit"}, headers=headers)
        handler.extra_headers = headers
        if fault and fault[0] != "create_then_sleep":
            return self._fault(handler, fault)
        scope = WRITE_SCOPE if method == "POST" else READ_SCOPE
        if scope not in self.scopes:
            return handler._answer(403, {"errors": f"Scope {scope} is required"})
        if url.path == "/com/customers/search.json" and method == "GET":
            return handler._answer(200, {"customers": self._search(query.get("query", ""))})
        if url.path == "/com/customers.json" and method == "GET":
            with self.lock:
                customers = list(self.customers.values())[: int(query.get("limit") or 50)]
            return handler._answer(200, {"customers": customers})
        if url.path == "/com/customers.json" and method == "POST":
            return self._create(handler, body, fault[1] if fault else 0)
        return handler._answer(404, {"errors": "Not Found"})

    def _fault(self, handler, fault):
        if fault[0] == "http":
            return handler._answer(fault[1], {"errors": "fault"})
        if fault[0] == "sleep":
            time.sleep(fault[1])
            return handler._answer(200, {"customers": []})
        return handler._answer(200, raw=fault[1])

    def _search(self, text):
        """Haravan's search matches words of the name, email and phone as stored."""
        text = text.strip().lower()
        with self.lock:
            return [
                customer
                for customer in self.customers.values()
                if text
                and any(
                    text in str(customer.get(field) or "").lower()
                    for field in ("email", "phone", "first_name", "last_name")
                )
            ]

    def _create(self, handler, body, late=0):
        try:
            customer = json.loads(body)["customer"]
        except (ValueError, KeyError, TypeError):
            return handler._answer(400, {"errors": "Bad request"})
        errors = {}
        with self.lock:
            key = phone.to_e164(customer.get("phone"))
            email = (customer.get("email") or "").lower()
            for other in self.customers.values():
                if key and phone.to_e164(other.get("phone")) == key:
                    errors["phone"] = ["đã tồn tại"]
                if email and (other.get("email") or "").lower() == email:
                    errors["email"] = ["đã tồn tại"]
            if errors:
                return handler._answer(422, {"errors": errors})
            stored = self._store(customer)
        time.sleep(late)
        return handler._answer(201, {"customer": stored})
