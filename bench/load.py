"""Closed-loop load generator: N threads, each with its own connection, each sending the next
prepared operation as soon as the previous one answered.

A measurement is a warm-up phase (not counted), then either a fixed number of operations
(shared by the threads, so they all finish together) or a fixed duration. Each operation's
latency is timed alone (its preparation, e.g. signing, is outside the timer); the result
gives p50 / p99 in milliseconds and the throughput in operations per second over the
wall-clock time of the counted phase.

Used by perf1_routing.py and perf2_webhook.py; can also be run on its own::

    python bench/load.py http://127.0.0.1:8069/web/webclient/version_info -c 8 -n 2000
"""

import argparse
import http.client
import itertools
import json
import math
import sys
import threading
import time
from urllib.parse import urlsplit

JSON_RPC_EMPTY = json.dumps({"jsonrpc": "2.0", "method": "call", "params": {}}).encode()
JSON_HEADERS = {"Content-Type": "application/json"}


def percentile(sorted_values, fraction):
    """Nearest-rank percentile of an already sorted list (``fraction`` in 0..1)."""
    if not sorted_values:
        return float("nan")
    rank = max(1, math.ceil(fraction * len(sorted_values)))
    return sorted_values[rank - 1]


class Result:
    """What one measurement gives: latencies (s), wall time (s), errors."""

    def __init__(self, name, concurrency, latencies, wall, errors, first_error=None, connects=0):
        self.name = name
        self.connects = connects
        self.concurrency = concurrency
        self.latencies = sorted(latencies)
        self.wall = wall
        self.errors = errors
        self.first_error = first_error

    @property
    def count(self):
        return len(self.latencies)

    @property
    def p50_ms(self):
        return percentile(self.latencies, 0.50) * 1000

    @property
    def p99_ms(self):
        return percentile(self.latencies, 0.99) * 1000

    @property
    def mean_ms(self):
        return sum(self.latencies) / self.count * 1000 if self.count else float("nan")

    @property
    def rate(self):
        return self.count / self.wall if self.wall else float("nan")

    def merge(self, other):
        """Pool two measurements of the same thing (rounds): latencies, wall time, errors."""
        return Result(
            self.name,
            self.concurrency,
            self.latencies + other.latencies,
            self.wall + other.wall,
            self.errors + other.errors,
            self.first_error or other.first_error,
            self.connects + other.connects,
        )

    def row(self):
        return {
            "name": self.name,
            "c": self.concurrency,
            "n": self.count,
            "p50": f"{self.p50_ms:.2f}",
            "p99": f"{self.p99_ms:.2f}",
            "mean": f"{self.mean_ms:.2f}",
            "rate": f"{self.rate:.1f}",
            "errors": self.errors,
        }


class HttpClient:
    """One thread's keep-alive ``http.client.HTTPConnection``.

    ``prepare(i)`` returns ``(method, path, body, headers)`` of operation ``i``; ``check``
    tells whether an answer ``(status, body bytes)`` is the expected one. When the server
    answers HTTP/1.0 or ``Connection: close`` (Odoo's prefork workers do), http.client
    opens a new connection for the next request (inside the timer, as a PBX would): the
    connections opened are counted in ``connects``.
    """

    def __init__(self, url, prepare, check=None, timeout=60):
        parts = urlsplit(url)
        self.host, self.port = parts.hostname, parts.port or 80
        self.base = parts.path.rstrip("/")
        self.prepare = prepare
        self.check = check or (lambda status, _body: status == 200)
        self.timeout = timeout
        self.connection = None
        self.connects = 0

    def __call__(self, index):
        method, path, body, headers = self.prepare(index)
        started = time.perf_counter()
        if self.connection is None or self.connection.sock is None:
            if self.connection is None:
                self.connection = http.client.HTTPConnection(
                    self.host, self.port, timeout=self.timeout
                )
            self.connects += 1
        try:
            self.connection.request(method, self.base + path, body, headers)
            response = self.connection.getresponse()
            data = response.read()
        except (OSError, http.client.HTTPException) as error:
            self.close()
            return time.perf_counter() - started, f"{type(error).__name__}: {error}"
        elapsed = time.perf_counter() - started
        if not self.check(response.status, data):
            return elapsed, f"HTTP {response.status}: {data[:300]!r}"
        return elapsed, None

    def close(self):
        if self.connection is not None:
            self.connection.close()
            self.connection = None


def _call(client, index):
    """One operation; any exception is a failed operation, not a dead thread."""
    try:
        return client(index)
    except Exception as error:  # noqa: BLE001
        return 0.0, f"{type(error).__name__}: {error}"


class _Measurement:
    """The shared state of the threads of one measurement."""

    def __init__(self, clients, count, duration, warmup, settle=None):
        self.clients = clients
        self.settle = settle
        self.count = count
        self.duration = duration
        self.warmup = math.ceil(warmup / len(clients)) if warmup else 0
        self.counter = itertools.count()
        self.lock = threading.Lock()
        # The last thread to arrive starts the clock, before any of them goes on.
        self.barrier = threading.Barrier(len(clients) + 1, action=self._start)
        self.started = None
        self.latencies = [[] for _client in clients]
        self.errors = [[] for _client in clients]
        self.finished = [0.0] * len(clients)
        self.deadline = None

    def _start(self):
        if self.settle:
            self.settle()  # what the warm-up left to the server is not measured
        self.started = time.perf_counter()
        if self.duration is not None:
            self.deadline = self.started + self.duration

    def next_index(self):
        with self.lock:
            index = next(self.counter)
        if self.count is not None:
            return index if index < self.count else None
        return index if time.perf_counter() < self.deadline else None

    def worker(self, number):
        client = self.clients[number]
        try:
            for warm in range(self.warmup):
                _elapsed, error = _call(client, -1 - warm - number * self.warmup)
                if error is not None:
                    self.errors[number].append(f"warm-up: {error}")
        finally:
            self.barrier.wait()
        index = self.next_index()
        while index is not None:
            elapsed, error = _call(client, index)
            if error is None:
                self.latencies[number].append(elapsed)
            else:
                self.errors[number].append(error)
            index = self.next_index()
        self.finished[number] = time.perf_counter()

    def run(self, name):
        threads = [
            threading.Thread(target=self.worker, args=(number,), name=f"load-{number}")
            for number in range(len(self.clients))
        ]
        for thread in threads:
            thread.daemon = True
            thread.start()
        self.barrier.wait()
        for thread in threads:
            thread.join()
        ended = max(self.finished)
        if self.settle:
            self.settle()
            ended = time.perf_counter()
        for client in self.clients:
            getattr(client, "close", lambda: None)()
        errors = [error for chunk in self.errors for error in chunk]
        return Result(
            name,
            len(self.clients),
            [value for chunk in self.latencies for value in chunk],
            ended - self.started,
            len(errors),
            errors[0] if errors else None,
            sum(getattr(client, "connects", 0) for client in self.clients),
        )


def measure(name, make_client, concurrency, count=None, duration=None, warmup=0, settle=None):
    """Run one closed-loop measurement.

    :param make_client: ``f(thread_number)`` -> a callable ``client(i)`` returning
        ``(seconds, error or None)``, with an optional ``close()``
    :param int concurrency: threads, each with its own client
    :param int count: operations counted (shared by the threads); or
    :param float duration: seconds of counted operations
    :param int warmup: operations before the counted phase (spread over the threads)
    :param settle: ``f()`` that returns once the server has done the work the operations
        left it (a queue drained): called before the clock starts, and after the last
        operation, the wall time running until it returns
    :return: :class:`Result`
    """
    if (count is None) == (duration is None):
        raise ValueError("give either count or duration")
    clients = [make_client(number) for number in range(concurrency)]
    return _Measurement(clients, count, duration, warmup, settle).run(name)


RESULT_COLUMNS = [
    ("name", "route"),
    ("c", "concurrency"),
    ("n", "requests"),
    ("p50", "p50 ms"),
    ("p99", "p99 ms"),
    ("mean", "mean ms"),
    ("rate", "req/s"),
    ("errors", "errors"),
]


def main():
    parser = argparse.ArgumentParser(description="POST one JSON body to a URL, closed loop.")
    parser.add_argument("url")
    parser.add_argument("-c", "--concurrency", type=int, default=1)
    parser.add_argument("-n", "--requests", type=int, default=None)
    parser.add_argument("-d", "--duration", type=float, default=None)
    parser.add_argument("-w", "--warmup", type=int, default=100)
    parser.add_argument("--body", default=JSON_RPC_EMPTY.decode(), help="JSON body to POST")
    args = parser.parse_args()
    if args.requests is None and args.duration is None:
        args.requests = 1000
    parts = urlsplit(args.url)
    origin = f"{parts.scheme}://{parts.netloc}"
    body = args.body.encode()

    def make_client(_number):
        return HttpClient(origin, lambda _index: ("POST", parts.path, body, JSON_HEADERS))

    result = measure(
        parts.path,
        make_client,
        args.concurrency,
        count=args.requests,
        duration=args.duration,
        warmup=args.warmup,
    )
    row = result.row()
    sys.stdout.write(
        "  ".join(f"{title}={row[key]}" for key, title in RESULT_COLUMNS if key != "name") + "\n"
    )
    if result.errors:
        sys.stdout.write(f"first error: {result.first_error}\n")
    return 1 if result.errors else 0


if __name__ == "__main__":
    sys.exit(main())
