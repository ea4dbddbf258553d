"""Fuzzing of the public PBX routes (SPEC REL-1, PBX-6, PBX-7) on a real Odoo server.

Thousands of malformed or random bodies, most of them correctly signed so they get past the
HMAC check and reach the parser, are sent to ``/coka_pbx/webhook/sim`` and
``/coka_pbx/route/sim``; then unsigned, badly signed and stale requests, other HTTP methods
and unknown provider codes. The server must never answer 5xx; every refusal is JSON
``{"ok": false, "error": "<reason>"}``; signature faults answer 401; and the server still
handles a valid event afterwards.

The corpus comes from a seeded ``random.Random`` so every run sends the same requests. The
base bodies name no real hotline, extension or phone number, and every call id starts with
``fuzz-``: a body that happens to be valid only creates a call nobody else looks at.
"""

import json
import logging
import random
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest

from .pbx_simulator import EVENT_KEYS, sign
from .pbx_world import HOTLINE

_logger = logging.getLogger(__name__)

SEED = 20261122
WEBHOOK = "/coka_pbx/webhook/sim"
ROUTE = "/coka_pbx/route/sim"
SIGNED_BODIES = 1000  # per route
AUTH_FAULTS = 40  # per route
THREADS = 3  # the e2e server has 2 workers: keep both busy while the client signs and reads
MAX_SECONDS = 7 * 24 * 3600
ROUTE_KEYS = ("call_id", "hotline", "from")
EVENTS = ("call.ringing", "call.answered", "call.ended", "recording.ready")
DIRECTIONS = ("inbound", "outbound", "internal")
STATUSES = ("answered", "missed", "no_answer", "busy", "failed", "cancelled")
FIXED_TIME = "2026-11-22T08:00:00Z"
LONG = "x" * 10240
EXOTIC = [
    "Tổng đài chăm sóc khách hàng",
    "📞☎️🤙🏽 gọi lại",
    "👨‍👩‍👧‍👦" * 20,
    "مرحبا بالعالم",
    "zero\u200bwidth\u200d\ufeff",
    "combining e\u0301\u0301\u0301",
    "\u202eRTL override",
    "tab\tnew\nline\r",
    "nul\u0000byte",
    "lone \ud800 surrogate",
    "\udfff",
    "\U0010ffff",
    "' OR 1=1 --",
    "%s %(x)s {0} ${x}",
    "<script>alert(1)</script>",
    "../../etc/passwd",
]
NOT_A_STRING = [
    0,
    -1,
    42,
    3.14,
    -2.5e-300,
    1.7e308,
    10**30,
    -(10**40),
    float("nan"),
    float("inf"),
    float("-inf"),
    True,
    False,
    [],
    ["call.ended"],
    {},
    {"nested": {"deeper": [1, {"x": None}]}},
]
BAD_TEXT = ["", "   ", "\t\n", LONG, "📞" * 5000]
BAD_BY_KEY = {
    "event": [
        "call.Ringing",
        "CALL.ENDED",
        "call.ended ",
        " call.answered",
        "call.transferred",
        "call",
        "ringing",
        "call.ended\u0000",
        "recording.ready😀",
        "call.ringing,call.ended",
    ],
    "direction": ["in", "INBOUND", "outbound ", "sideways", "inbound\n", "внутренний"],
    "status": ["", "ANSWERED", "answered ", "hung_up", "ok", "null", "0", "missed\u0000"],
    "timestamp": [
        "yesterday",
        "2026-13-01T00:00:00Z",
        "2026-02-30T10:00:00Z",
        "2026-11-22T25:61:00Z",
        "1999-12-31T23:59:59Z",
        "2101-01-01T00:00:00Z",
        "0001-01-01T00:00:00",
        "9999-12-31T23:59:59+14:00",
        "2026-11-22T10:00:00+25:00",
        "1763800000",
        "NaN",
        "T",
        "2026-11-22T10:00:00.123456789123Z",
        "２０２６-11-22T10:00:00",
        "-2026-11-22",
    ],
    "ring_seconds": [-1, -(10**9), MAX_SECONDS + 1, 10**30, 1.5, "10", "-1", "NaN"],
    "talk_seconds": [-5, -1, MAX_SECONDS + 1, 2**63, 0.1, "42", "", "Infinity"],
    "cost": [-0.01, -1, 1e12, 1e300, "1.5", "NaN", "Infinity", "-0", "1e3", "1,5"],
    "recording_url": [
        "ftp://pbx.example/rec.mp3",
        "file:///etc/passwd",
        "javascript:alert(1)",
        "data:audio/mpeg;base64,SUQz",
        "//pbx.example/rec.mp3",
        "HTTP://PBX.EXAMPLE/REC.MP3",
        "gopher://pbx.example:70/",
        "ws://pbx.example/rec",
        "smb://pbx/share/rec.mp3",
        "https://" + "a" * 3000 + ".mp3",
        "mailto:pbx@example.com",
        "\u0000http://pbx.example/",
    ],
    "extension": ["9" * 33, "x" * 1000],
    "hotline": ["0" * 65, LONG],
    "from": ["+84" + "9" * 70, LONG],
    "to": ["1" * 65, LONG],
    "event_id": ["e" * 129],
    "call_id": ["fuzz-" + "c" * 200],
}
NOT_JSON = [
    b"",
    b" ",
    b"\x00",
    b"call_id=fuzz&event=call.ended",
    b"<event><call_id>fuzz</call_id></event>",
    b"{'event': 'call.ended'}",
    b'{"event": "call.ended",}',
    b"{event: call.ended}",
    b'{"a": 1} {"b": 2}',
    b"NaN",
    b"\xef\xbb\xbf{}",
    b"[" * 20000 + b"]" * 20000,
    b"{" * 10,
    b'{"call_id": ' + b"9" * 5000 + b"}",
]
CONTENT_TYPES = [
    "application/json",
    "text/plain",
    "application/octet-stream",
    "application/json; charset=latin-1",
    "application/x-www-form-urlencoded",
    "multipart/form-data; boundary=fuzz",
    "multipart/form-data",
    "",
]
NOT_AN_OBJECT = [b"[]", b"[1,2,3]", b'"call.ended"', b"42", b"-1.5e10", b"null", b"true", b'""']


# -- the corpus -------------------------------------------------------------------------------


def dumps(value):
    """ASCII JSON bytes: NaN / Infinity literals allowed, lone surrogates as ``\\ud800``."""
    return json.dumps(value).encode("utf-8")


def nested(depth):
    """Raw JSON text of a list nested ``depth`` times (built as text: json.dumps recurses)."""
    return "[" * depth + "1" + "]" * depth


def base_event(rng, serial):
    return {
        "event": rng.choice(EVENTS),
        "event_id": f"fuzz-event-{serial}",
        "call_id": f"fuzz-w-{serial}",
        "direction": rng.choice(DIRECTIONS),
        "hotline": "fuzz-hotline",
        "from": "fuzz-caller",
        "to": "fuzz-callee",
        "extension": "fuzz-ext",
        "timestamp": FIXED_TIME,
        "status": rng.choice((None, *STATUSES)),
        "ring_seconds": rng.randint(0, 60),
        "talk_seconds": rng.randint(0, 600),
        "cost": round(rng.uniform(0, 5), 2),
        "recording_url": "https://pbx.example/fuzz.mp3",
    }


def base_route(rng, serial):
    return {"call_id": f"fuzz-r-{serial}", "hotline": "fuzz-hotline", "from": "fuzz-caller"}


def bad_value(rng, key):
    """A value ``key`` must refuse: a wrong type, a bad string, or a key-specific one."""
    pools = [NOT_A_STRING, BAD_BY_KEY.get(key) or BAD_TEXT]
    if key in ("event", "event_id", "call_id", "direction", "timestamp", "hotline"):
        pools.append(BAD_TEXT)
    return rng.choice(rng.choice(pools))


def with_splice(body, key, raw_value):
    """``body`` as JSON bytes with ``key`` holding the raw JSON text ``raw_value``."""
    marker = "__fuzz_splice__"
    return dumps({**body, key: marker}).replace(f'"{marker}"'.encode(), raw_value.encode())


def gen_random_bytes(rng, body, keys):
    return rng.randbytes(rng.randint(1, 400))


def gen_invalid_utf8(rng, body, keys):
    raw = dumps(body)
    cut = rng.randrange(1, len(raw))
    return raw[:cut] + rng.choice([b"\xff", b"\xc3\x28", b"\xed\xa0\x80", b"\xf8\x88"]) + raw[cut:]


def gen_truncated(rng, body, keys):
    raw = dumps(body)
    return raw[: rng.randrange(1, len(raw) - 1)]


def gen_not_json(rng, body, keys):
    return rng.choice(NOT_JSON)


def gen_not_an_object(rng, body, keys):
    return rng.choice([*NOT_AN_OBJECT, dumps([body]), dumps(list(body))])


def gen_missing_keys(rng, body, keys):
    required = [key for key in keys if key in ("event", "event_id", "call_id", "direction")]
    required += [key for key in keys if key in ("timestamp", "hotline")]
    gone = set(rng.sample(required, rng.randint(1, len(required))))
    gone |= {key for key in keys if rng.random() < 0.3}
    return dumps({key: value for key, value in body.items() if key not in gone})


def gen_wrong_value(rng, body, keys):
    key = rng.choice(keys)
    body = {**body, key: bad_value(rng, key)}
    others = [other for other in keys if other != key]
    if others and rng.random() < 0.3:  # and sometimes an exotic (maybe valid) string elsewhere
        body[rng.choice(others)] = rng.choice(EXOTIC)
    return dumps(body)


def gen_null_values(rng, body, keys):
    key = rng.choice([key for key in keys if key not in ("hotline", "from", "to", "extension")])
    return dumps({**body, key: None})


def gen_deep_nesting(rng, body, keys):
    return with_splice(body, rng.choice(keys), nested(rng.choice([50, 500, 2000, 20000])))


def gen_huge_number(rng, body, keys):
    digits = rng.choice([400, 4000, 5000, 30000])
    return with_splice(body, rng.choice(keys), "-" * rng.randint(0, 1) + "9" * digits)


def gen_oversized(rng, body, keys):
    return dumps({**body, rng.choice(keys): "y" * rng.choice([65 * 1024, 200 * 1024])})


def gen_exotic_only(rng, body, keys):
    # Unicode, emoji, control characters: valid JSON strings, so possibly a valid request.
    key = rng.choice(keys)
    value = rng.choice(EXOTIC)
    return dumps({**body, key: f"fuzz-{value}" if key in ("call_id", "event_id") else value})


def gen_other_encoding(rng, body, keys):
    # json.loads also reads UTF-16 and UTF-32: a valid request then, fine; else 400.
    return (
        dumps({**body, rng.choice(keys): bad_value(rng, rng.choice(keys))})
        .decode()
        .encode(rng.choice(["utf-16", "utf-32", "utf-16-le", "latin-1"]))
    )


GENERATORS = [
    (gen_random_bytes, 8),
    (gen_invalid_utf8, 8),
    (gen_truncated, 10),
    (gen_not_json, 6),
    (gen_not_an_object, 6),
    (gen_missing_keys, 10),
    (gen_wrong_value, 40),
    (gen_null_values, 3),
    (gen_deep_nesting, 3),
    (gen_huge_number, 2),
    (gen_oversized, 1),
    (gen_exotic_only, 2),
    (gen_other_encoding, 1),
]


def sweep(make_base, keys):
    """Every key with every wrong type, then every key-specific bad value: ``(label, raw)``."""
    rng = random.Random(SEED - 1)
    for key in keys:
        for index, value in enumerate([*NOT_A_STRING, *BAD_TEXT, *BAD_BY_KEY.get(key, [])]):
            if key in ("hotline", "from", "to", "extension") and value in ("", "   ", "\t\n"):
                continue  # optional strings: blank means "not given", which is fine
            body = {**make_base(rng, f"sweep-{key}-{index}"), key: value}
            yield f"sweep {key}={str(value)[:40]!r}", dumps(body)


def corpus(make_base, keys, count):
    """``count`` signed bodies to send: the sweep of every key, then weighted random ones."""
    rng = random.Random(SEED)
    bodies = list(sweep(make_base, keys))
    functions, weights = zip(*GENERATORS, strict=True)
    serial = 0
    while len(bodies) < count:
        serial += 1
        generate = rng.choices(functions, weights)[0]
        raw = generate(rng, make_base(rng, serial), keys)
        bodies.append((generate.__name__, raw))
    return bodies


# -- sending and checking ---------------------------------------------------------------------


def describe(raw, answer):
    text = raw[:160].decode("utf-8", "backslashreplace")
    return f"body={text!r} ({len(raw)} bytes) answer={str(answer)[:300]!r}"


def refusal_problem(status, answer):
    """What is wrong with a 4xx answer, or None: it must be ``{"ok": false, "error": str}``."""
    if not isinstance(answer, dict):
        return f"{status} is not JSON"
    if answer.get("ok") is not False:
        return f"{status} without ok: false"
    error = answer.get("error")
    if not isinstance(error, str) or not error.strip():
        return f"{status} without an error reason"
    return None


def success_problem(path, answer):
    if not isinstance(answer, dict):
        return "200 is not JSON"
    if path.startswith("/coka_pbx/route/"):
        return None if isinstance(answer.get("targets"), list) else "200 without targets"
    return None if answer.get("ok") is True else "200 without ok: true"


def answer_problem(path, status, answer):
    if status >= 500:
        return f"server error {status}"
    if 400 <= status < 500:
        return refusal_problem(status, answer)
    if status == 200:
        return success_problem(path, answer)
    return f"unexpected status {status}"


class Tally:
    """A histogram of the statuses and the requests whose answer broke a rule."""

    def __init__(self):
        self.statuses = Counter()
        self.problems = []

    def check(self, label, path, raw, status, answer, expected=None):
        self.statuses[status] += 1
        problem = answer_problem(path, status, answer)
        if problem is None and expected is not None and status != expected:
            problem = f"expected {expected}, got {status}"
        if problem:
            self.problems.append(f"{label} {path}: {problem}: {describe(raw, answer)}")

    def assert_clean(self):
        shown = "\n".join(self.problems[:15])
        statuses = dict(sorted(self.statuses.items()))
        assert not self.problems, f"{len(self.problems)} bad answer(s) {statuses}:\n{shown}"


def alive_event(serial):
    return {
        "event": "call.ringing",
        "event_id": f"fuzz-alive-{serial}-{time.time_ns()}",
        "call_id": f"fuzz-alive-{serial}",
        "direction": "inbound",
        "hotline": "fuzz-hotline",
        "from": "fuzz-caller",
        "to": "fuzz-callee",
        "extension": None,
        "timestamp": FIXED_TIME,
        "status": None,
        "ring_seconds": None,
        "talk_seconds": None,
        "cost": None,
        "recording_url": None,
    }


def assert_alive(pbx, serial):
    status, answer = pbx.simulator.signed_post(WEBHOOK, alive_event(serial))
    assert status == 200, answer
    assert answer["ok"] is True and isinstance(answer["call_id"], int), answer
    status, answer = pbx.simulator.signed_post(
        ROUTE, {"call_id": f"fuzz-alive-{serial}", "hotline": HOTLINE, "from": "fuzz-caller"}
    )
    assert status == 200, answer
    assert isinstance(answer["targets"], list), answer


# -- the tests --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "make_base", "keys"),
    [(WEBHOOK, base_event, EVENT_KEYS), (ROUTE, base_route, ROUTE_KEYS)],
    ids=["webhook", "route"],
)
def test_signed_malformed_bodies_never_crash(pbx, path, make_base, keys):
    bodies = corpus(make_base, keys, SIGNED_BODIES)
    assert len(bodies) >= 1000
    tally = Tally()
    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        answers = list(pool.map(lambda item: pbx.simulator.signed_post(path, item[1]), bodies))
    elapsed = time.monotonic() - started
    for (label, raw), (status, answer) in zip(bodies, answers, strict=True):
        tally.check(label, path, raw, status, answer)
    _logger.info(
        "%s: %d signed bodies in %.1f s, statuses %s",
        path,
        len(bodies),
        elapsed,
        dict(sorted(tally.statuses.items())),
    )

    tally.assert_clean()
    assert tally.statuses[400] >= 0.9 * len(bodies), dict(tally.statuses)
    assert_alive(pbx, path.rsplit("/", 2)[-2])


def auth_faults(rng, secret):
    """Ways of getting the signature wrong: ``(label, timestamp, signature)`` for a body.

    ``None`` leaves a header out; ``timestamp`` is sent as is.
    """
    now = int(time.time())

    def signed(stamp, key=secret, stamp_signed=None):
        return lambda raw: sign(key, stamp if stamp_signed is None else stamp_signed, raw)

    faults = [
        ("unsigned", None, None),
        ("no timestamp", None, signed(str(now))),
        ("no signature", str(now), None),
        ("wrong secret", str(now), signed(str(now), key="not-the-secret")),
        ("empty secret", str(now), signed(str(now), key="")),
        ("other timestamp signed", str(now), signed(str(now), stamp_signed=str(now - 1))),
        ("other body signed", str(now), lambda raw: sign(secret, str(now), raw + b" ")),
        ("zero digest", str(now), lambda raw: "sha256=" + "0" * 64),
        ("bare digest", str(now), lambda raw: sign(secret, str(now), raw)[7:]),
        ("md5 prefix", str(now), lambda raw: "md5=" + sign(secret, str(now), raw)[7:]),
        ("upper digest", str(now), lambda raw: sign(secret, str(now), raw).upper()),
        ("latin-1 junk", str(now), lambda raw: "sha256=é" + "0" * 63),
        ("empty signature", str(now), lambda raw: ""),
        ("stale 301 s", str(now - 301), signed(str(now - 301))),
        ("stale a day", str(now - 86400), signed(str(now - 86400))),
        ("future an hour", str(now + 3600), signed(str(now + 3600))),
        ("epoch", "0", signed("0")),
        ("negative", "-1", signed("-1")),
        ("huge", "9" * 40, signed("9" * 40)),
        ("not a number", "yesterday", signed("yesterday")),
        ("float", f"{now}.5", signed(f"{now}.5")),
        ("exponent", "1.8e9", signed("1.8e9")),
        ("iso date", "2026-11-22T08:00:00Z", signed("2026-11-22T08:00:00Z")),
        ("blank", "   ", signed("   ")),
    ]
    return [rng.choice(faults) for _ in range(AUTH_FAULTS - len(faults))] + faults


@pytest.mark.parametrize("path", [WEBHOOK, ROUTE], ids=["webhook", "route"])
def test_bad_stale_or_missing_signatures_answer_401(pbx, path):
    rng = random.Random(SEED + 1)
    make_base = base_event if path == WEBHOOK else base_route
    tally = Tally()
    for serial, (label, stamp, signer) in enumerate(auth_faults(rng, pbx.simulator.secret)):
        body = make_base(rng, f"auth-{serial}")
        raw = dumps(body) if rng.random() < 0.7 else gen_wrong_value(rng, body, list(body))
        headers = {
            "X-Coka-Timestamp": stamp,
            "X-Coka-Signature": signer(raw) if signer else None,
        }
        status, answer = pbx.simulator.signed_post(path, raw, headers=headers)
        tally.check(f"auth {label}", path, raw, status, answer, expected=401)
    tally.assert_clean()
    assert tally.statuses == {401: AUTH_FAULTS}


@pytest.mark.parametrize("path", [WEBHOOK, ROUTE], ids=["webhook", "route"])
def test_raw_unsigned_requests_answer_401(pbx, path):
    session = pbx.server.session()
    rng = random.Random(SEED + 2)
    tally = Tally()
    for label, raw in corpus(base_event if path == WEBHOOK else base_route, ["call_id"], 30):
        status, answer = session.request(path, raw, {"Content-Type": rng.choice(CONTENT_TYPES)})
        tally.check(f"unsigned {label}", path, raw, status, answer, expected=401)
    tally.assert_clean()


@pytest.mark.parametrize("path", [WEBHOOK, ROUTE], ids=["webhook", "route"])
@pytest.mark.parametrize("content_type", CONTENT_TYPES)
def test_any_content_type_of_a_signed_body_is_handled(pbx, path, content_type):
    rng = random.Random(SEED + 3)
    tally = Tally()
    make_base = base_event if path == WEBHOOK else base_route
    body = make_base(rng, f"ct-{CONTENT_TYPES.index(content_type)}")
    for raw in (dumps(body), b"--fuzz\r\n\r\n--fuzz--", b"call_id=fuzz-x&hotline=1"):
        headers = {"Content-Type": content_type}
        status, answer = pbx.simulator.signed_post(path, raw, headers=headers)
        tally.check(f"content-type {content_type!r}", path, raw, status, answer)
    tally.assert_clean()


@pytest.mark.parametrize("path", [WEBHOOK, ROUTE], ids=["webhook", "route"])
@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"])
def test_other_methods_are_not_a_server_error(pbx, path, method):
    body = None if method in ("GET", "HEAD") else dumps(base_route(random.Random(SEED), 0))
    status, answer = pbx.server.session().request(path, body, method=method)
    assert status < 500, (status, answer)
    assert status != 200, (status, answer)


@pytest.mark.parametrize(
    "code",
    ["nope", "sim2", "sim-old", "p" * 300, "%F0%9F%93%9E", "%C3%A9", "0", "sim.", "%00", "%0A"],
)
@pytest.mark.parametrize("kind", ["webhook", "route"])
def test_unknown_provider_answers_404(pbx, kind, code):
    path = f"/coka_pbx/{kind}/{code}"
    raw = dumps(base_event(random.Random(SEED), "unknown") if kind == "webhook" else {})
    status, answer = pbx.simulator.signed_post(path, raw)
    tally = Tally()
    tally.check("unknown provider", path, raw, status, answer, expected=404)
    tally.assert_clean()


def test_server_is_alive_after_the_fuzzing(pbx):
    assert_alive(pbx, "final")
