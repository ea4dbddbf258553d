"""HMAC signatures of the PBX HTTP API (SPEC PBX-6, PBX-7).

``X-Coka-Signature: sha256=<hex HMAC-SHA256(secret, timestamp + "." + raw body)>`` with
``X-Coka-Timestamp`` in unix seconds; older than ``MAX_AGE`` seconds is refused.
"""

import hashlib
import hmac

MAX_AGE = 300


def sign(secret, timestamp, body):
    """Return the signature header value for ``body`` sent at ``timestamp``.

    :param str secret: the provider's webhook secret
    :param timestamp: unix seconds (int or str)
    :param bytes body: the raw request body
    :return: ``"sha256=<hex>"``
    """
    message = str(timestamp).encode() + b"." + body
    digest = hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def check(secret, timestamp, signature, body, now, max_age=MAX_AGE):
    """Return ``None`` when the request is authentic, else the reason it is not.

    :param str secret: the provider's webhook secret (empty: every request is refused)
    :param str timestamp: the ``X-Coka-Timestamp`` header
    :param str signature: the ``X-Coka-Signature`` header
    :param bytes body: the raw request body
    :param float now: the current unix time
    :param int max_age: seconds a signature stays valid, both ways of the clock
    :return: ``None`` or a short English reason
    """
    if not secret:
        return "the provider has no webhook secret"
    if not timestamp or not signature:
        return "missing X-Coka-Timestamp or X-Coka-Signature header"
    try:
        sent_at = int(timestamp)
    except (TypeError, ValueError):
        return "X-Coka-Timestamp is not unix seconds"
    if abs(now - sent_at) > max_age:
        return "stale or future timestamp"
    expected = sign(secret, timestamp.strip(), body).encode()
    if not hmac.compare_digest(expected, signature.strip().encode(errors="replace")):
        return "bad signature"
    return None
