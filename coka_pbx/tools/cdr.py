"""PBX call events (SPEC PBX-6, PBX-7): parse and validate bodies, fold events into a call.

Plain functions, no ORM: the webhook model method calls them and writes what they return.
"""

import json
import math
from datetime import UTC, datetime, timedelta

EVENTS = ("call.ringing", "call.answered", "call.ended", "recording.ready")
DIRECTIONS = ("inbound", "outbound", "internal")
FINAL_STATUSES = ("answered", "missed", "no_answer", "busy", "failed", "cancelled")
MAX_BODY = 64 * 1024
MAX_TEXT = 128
MAX_URL = 2048
MAX_SECONDS = 7 * 24 * 3600


class EventError(ValueError):
    """A request body that cannot be accepted; the message says why (answered with 400)."""

    status = 400


class UnknownTargetError(EventError):
    """The request names something Odoo does not know, e.g. a hotline (answered with 404)."""

    status = 404


def _object(raw):
    if len(raw) > MAX_BODY:
        raise EventError(f"body larger than {MAX_BODY} bytes")
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as error:
        raise EventError(f"body is not valid JSON: {error}") from None
    except RecursionError:
        raise EventError("body is nested too deeply") from None
    if not isinstance(data, dict):
        raise EventError("body must be a JSON object")
    return data


def _text(data, key, required=True, choices=None, max_length=MAX_TEXT):
    value = data.get(key)
    if value is None and not required:
        return None
    if not isinstance(value, str) or (required and not value.strip()):
        raise EventError(f"'{key}' must be a non-empty string")
    if len(value) > max_length:
        raise EventError(f"'{key}' is longer than {max_length} characters")
    if "\x00" in value:
        raise EventError(f"'{key}' contains a NUL character")
    try:
        value.encode()
    except UnicodeEncodeError:
        raise EventError(f"'{key}' is not valid UTF-8 text") from None
    if choices and value not in choices:
        raise EventError(f"'{key}' must be one of {', '.join(choices)}")
    return value.strip()


def _seconds(data, key):
    value = data.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_SECONDS:
        raise EventError(f"'{key}' must be a whole number of seconds between 0 and {MAX_SECONDS}")
    return value


def _cost(data):
    value = data.get("cost")
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise EventError("'cost' must be a number")
    if not 0 <= value < 1e12:
        raise EventError("'cost' must be between 0 and 1e12")
    return float(value)


def _timestamp(data):
    value = _text(data, "timestamp", max_length=64)
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise EventError("'timestamp' must be an ISO-8601 date-time") from None
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    if not 2000 <= moment.year <= 2100:
        raise EventError("'timestamp' is out of range")
    return moment.replace(microsecond=0)


def _transcript(data):
    """The conversation as the provider transcribed it, when it sends one."""
    value = data.get("transcript")
    if value is None:
        return None
    if not isinstance(value, str) or "\x00" in value:
        raise EventError("'transcript' must be a string without NUL characters")
    try:
        value.encode()
    except UnicodeEncodeError:
        raise EventError("'transcript' is not valid UTF-8 text") from None
    return value.strip() or None


def _recording_url(data, required):
    url = _text(data, "recording_url", required=required, max_length=MAX_URL)
    if url and not url.startswith(("http://", "https://")):
        raise EventError("'recording_url' must be an http(s) URL")
    return url


def parse_event(raw):
    """Validate a webhook body and return the event as a dict of Python values.

    :param bytes raw: the request body
    :return: dict with the PBX-6 keys; ``timestamp`` is a naive UTC ``datetime``
    :raise EventError: naming the first thing that is wrong
    """
    data = _object(raw)
    event = {
        "event": _text(data, "event", choices=EVENTS),
        "event_id": _text(data, "event_id"),
        "call_id": _text(data, "call_id"),
        "direction": _text(data, "direction", choices=DIRECTIONS),
        "hotline": _text(data, "hotline", required=False, max_length=64) or "",
        "from": _text(data, "from", required=False, max_length=64) or "",
        "to": _text(data, "to", required=False, max_length=64) or "",
        "extension": _text(data, "extension", required=False, max_length=32),
        "timestamp": _timestamp(data),
        "status": _text(data, "status", required=False, choices=FINAL_STATUSES),
        "ring_seconds": _seconds(data, "ring_seconds"),
        "talk_seconds": _seconds(data, "talk_seconds"),
        "cost": _cost(data),
        "hold_seconds": _seconds(data, "hold_seconds"),
        "transcript": _transcript(data),
    }
    event["recording_url"] = _recording_url(data, required=event["event"] == "recording.ready")
    return event


def parse_route_request(raw):
    """Validate a routing body ``{"call_id", "hotline", "from"}``.

    :param bytes raw: the request body
    :return: dict with ``call_id``, ``hotline`` and ``from``
    :raise EventError: naming the first thing that is wrong
    """
    data = _object(raw)
    return {
        "call_id": _text(data, "call_id"),
        "hotline": _text(data, "hotline", max_length=64),
        "from": _text(data, "from", required=False, max_length=64) or "",
    }


def customer_number(event):
    """The customer's number as sent: the caller inbound, the callee outbound, none inside."""
    if event["direction"] == "inbound":
        return event["from"]
    if event["direction"] == "outbound":
        return event["to"]
    return ""


def _final_status(event, state):
    if event["status"]:
        return event["status"]
    if event["talk_seconds"] or state.get("answer_date"):
        return "answered"
    return "missed" if event["direction"] == "inbound" else "no_answer"


def _ended_values(event, state):
    values = {"end_date": event["timestamp"], "status": _final_status(event, state)}
    answer_date = state.get("answer_date")
    for key in ("ring_seconds", "talk_seconds", "cost", "hold_seconds"):
        if event.get(key) is not None:
            values[key] = event[key]
    if event["talk_seconds"] is None and answer_date:
        values["talk_seconds"] = max(0, int((event["timestamp"] - answer_date).total_seconds()))
    if values["status"] == "answered" and not answer_date:
        talk = values.get("talk_seconds") or 0
        values["answer_date"] = event["timestamp"] - timedelta(seconds=talk)
    return values


def _extension_values(state, event, values):
    """The extension an event gives the call, folded like the status (SPEC PBX-6).

    An extension that answered (``call.answered``, or ``call.ended`` of an answered call)
    outranks one that only rang: a late ``call.ringing`` of another extension never replaces
    it. Among events of the same rank the latest timestamp wins (a transfer: the extension
    that answered last, and ended the call, keeps it). An extension stored without the
    event that gave it (a call created in Odoo) is replaced by the first event naming one.

    :return: ``{"extension": number, "extension_date": ..., "extension_answered": ...}``
        when the event's extension takes over, else ``{}``
    """
    kind, number = event["event"], event.get("extension")
    if not number or kind not in ("call.ringing", "call.answered", "call.ended"):
        return {}
    answered = kind == "call.answered" or (
        kind == "call.ended" and values.get("status") == "answered"
    )
    stored_date = state.get("extension_date")
    if stored_date is not None and (answered, event["timestamp"]) < (
        bool(state.get("extension_answered")),
        stored_date,
    ):
        return {}
    return {
        "extension": number,
        "extension_date": event["timestamp"],
        "extension_answered": answered,
    }


def fold_event(state, event):
    """The changes an event makes to a call (SPEC PBX-6: order-independent).

    The latest event by timestamp gives the live status; ``call.ended`` is authoritative
    for the final status and the durations, and nothing earlier overrides it. The extension
    is folded by rank, then timestamp (:func:`_extension_values`).

    :param dict state: the call as stored: ``status``, ``start_date``, ``answer_date``,
        ``end_date``, ``last_event_date``, ``extension_date``, ``extension_answered``
        (``None`` when unset or for a new call)
    :param dict event: a parsed event (:func:`parse_event`)
    :return: dict of call field values to write; ``extension`` is the number of the
        extension that takes over the call, with ``extension_date`` and
        ``extension_answered``, the event that gave it
    """
    kind, moment = event["event"], event["timestamp"]
    ended = bool(state.get("end_date"))
    last = state.get("last_event_date")
    newer = last is None or moment >= last
    values = {}
    if state.get("start_date") is None or moment < state["start_date"]:
        values["start_date"] = moment
    if kind == "call.ringing" and not ended and newer and state.get("status") in (None, "ringing"):
        values["status"] = "ringing"
    elif kind == "call.answered":
        if not state.get("answer_date") or moment < state["answer_date"]:
            values["answer_date"] = moment
        if not ended and newer:
            values["status"] = "in_progress"
    elif kind == "call.ended":
        values.update(_ended_values(event, state))
        backdated = moment - timedelta(
            seconds=(event["ring_seconds"] or 0) + (event["talk_seconds"] or 0)
        )
        if state.get("start_date") is None or backdated < state["start_date"]:
            values["start_date"] = backdated
    elif kind == "recording.ready":
        values["recording_url"] = event["recording_url"]
    if event.get("transcript"):
        values["transcript"] = event["transcript"]
    if state.get("status") is None and "status" not in values:
        values["status"] = "ringing"
    if newer:
        values["last_event_date"] = moment
    values.update(_extension_values(state, event, values))
    return values
