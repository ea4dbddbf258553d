"""Bodies of the lead intake API (``POST /coka_crm/lead``, SPEC LEAD-1).

Plain functions, no ORM: the controller hands the raw body to ``parse``, which returns the
validated fields or raises ``IntakeError`` (answered with 400 and its message).
"""

import json
import math
import re

from odoo.addons.coka_pbx.tools import phone

MAX_BODY = 64 * 1024
MAX_EXTRA_KEYS = 50
MAX_DEPTH = 10
# The known keys: their longest accepted text.
LIMITS = {
    "name": 256,
    "mobile": 64,
    "email": 254,
    "funnel": 128,
    "message": 10000,
    "team": 128,
}
MAX_EXTRA_KEY = 128
EMAIL_RE = re.compile(r"^[^@\s<>,;\"]+@[^@\s<>,;\"]+\.[^@\s<>,;\"]+$")


class IntakeError(ValueError):
    """A body that cannot be accepted; the message says why (answered with 400)."""


def _no_constant(name):
    raise IntakeError(f"{name} is not a JSON number")


def _check_text(text, where):
    if "\x00" in text:
        raise IntakeError(f"{where}: NUL characters are not accepted")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise IntakeError(f"{where}: not valid Unicode (lone surrogate)") from None


def _check_value(value, where, depth=0):
    """Every string of ``value`` (keys too) must be storable text; numbers finite JSON."""
    if depth > MAX_DEPTH:
        raise IntakeError(f"{where}: nested more than {MAX_DEPTH} levels")
    if isinstance(value, str):
        _check_text(value, where)
    elif isinstance(value, float) and not math.isfinite(value):
        raise IntakeError(f"{where}: numbers must be finite")
    elif isinstance(value, dict):
        for key, item in value.items():
            _check_text(key, where)
            _check_value(item, where, depth + 1)
    elif isinstance(value, list):
        for item in value:
            _check_value(item, where, depth + 1)


def _object(raw):
    if len(raw) > MAX_BODY:
        raise IntakeError(f"body larger than {MAX_BODY} bytes")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise IntakeError("body is not UTF-8 text") from None
    try:
        data = json.loads(text, parse_constant=_no_constant)
    except IntakeError:
        raise
    except ValueError as error:  # also the digits limit of huge integers
        raise IntakeError(f"body is not valid JSON: {error}") from None
    except RecursionError:
        raise IntakeError("body is nested too deeply") from None
    if not isinstance(data, dict):
        raise IntakeError("body must be a JSON object")
    return data


def _text(data, key):
    """The stripped text of ``key``, or ``None`` when missing, null or blank."""
    value = data.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise IntakeError(f"{key} must be a string")
    _check_text(value, key)
    value = value.strip()
    if len(value) > LIMITS[key]:
        raise IntakeError(f"{key} longer than {LIMITS[key]} characters")
    return value or None


def parse(raw):
    """Validate one intake body.

    :param bytes raw: the request body (JSON object, UTF-8)
    :return: dict with ``name``, ``mobile`` (as sent), ``mobile_key`` (E.164 or ``None``),
        ``email``, ``funnel``, ``message``, ``team`` (each text or ``None``) and ``extra``
        (the other keys, unchanged)
    :raises IntakeError: the reason the body is refused
    """
    data = _object(raw)
    values = {key: _text(data, key) for key in LIMITS}
    if not values["mobile"] and not values["email"]:
        raise IntakeError("mobile or email is required")
    values["mobile_key"] = None
    if values["mobile"]:
        values["mobile_key"] = phone.to_e164(values["mobile"]) or None
        if not values["mobile_key"]:
            raise IntakeError("mobile is not a valid phone number")
    if values["email"] and not EMAIL_RE.match(values["email"]):
        raise IntakeError("email is not a valid email address")
    extra = {key: value for key, value in data.items() if key not in LIMITS}
    if len(extra) > MAX_EXTRA_KEYS:
        raise IntakeError(f"more than {MAX_EXTRA_KEYS} other keys")
    for key, value in extra.items():
        if not key.strip() or len(key) > MAX_EXTRA_KEY:
            raise IntakeError(f"other keys must be 1 to {MAX_EXTRA_KEY} characters")
        _check_value(value, "other key", 1)
        _check_text(key, "other key")
    values["extra"] = extra
    return values


def bearer_token(header):
    """The token of an ``Authorization: Bearer <token>`` header, or ``None``."""
    if not header or not isinstance(header, str):
        return None
    scheme, _sep, token = header.strip().partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token or len(token) > 256:
        return None
    return token
