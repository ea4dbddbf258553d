"""The per-message delivery-report URL of the providers that cannot sign their reports
(eSMS calls the ``CallbackUrl`` of each message with a plain GET; SPEC MSG-3, REL-1). No ORM.

A report URL is ``/coka_messaging/callback/<provider id>/report/<ref>/<token>``:

- ``ref`` names what was sent: ``msg-<idempotency key>`` for a ``coka.message``,
  ``sms-<uuid>`` for an Odoo ``sms.sms``;
- ``token`` is the HMAC-SHA256 (hex) of ``"<provider id>:<ref>"`` keyed with the provider's
  webhook secret, so only the URL sent with that message is accepted, and only for it.
"""

import hashlib
import hmac
import re

MESSAGE_PREFIX = "msg"
SMS_PREFIX = "sms"
REF_PATTERN = re.compile(r"^(msg|sms)-([0-9A-Za-z_.-]{1,100})$")
TOKEN_PATTERN = re.compile(r"^[0-9a-f]{64}$")


def make_ref(prefix, value):
    """:return: ``"<prefix>-<value>"``, e.g. ``msg-3f2a…`` (``prefix``: ``msg`` or ``sms``)"""
    return f"{prefix}-{value}"


def split_ref(ref):
    """:return: ``(prefix, value)`` of a well-formed ref, else ``None``"""
    match = REF_PATTERN.match(ref) if isinstance(ref, str) else None
    return (match.group(1), match.group(2)) if match else None


def report_token(secret, provider_id, ref):
    """:return: the hex HMAC-SHA256 of ``"<provider_id>:<ref>"`` keyed with ``secret``"""
    if not secret:
        raise ValueError("a report token needs the provider's webhook secret")
    message = f"{provider_id}:{ref}".encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def check_report_token(secret, provider_id, ref, token):
    """:return: whether ``token`` is the report token of ``ref`` (constant-time compare);
    always ``False`` without a secret or with a malformed token"""
    if not secret or not isinstance(token, str) or not TOKEN_PATTERN.match(token):
        return False
    if not isinstance(ref, str):
        return False
    expected = report_token(secret, provider_id, ref)
    return hmac.compare_digest(expected.encode(), token.encode())
