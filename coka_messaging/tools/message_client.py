"""The adapter interface of the messaging providers (SPEC MSG-3, REL-3). No ORM.

A provider's client subclasses ``MessageClient``: it speaks the provider's documented HTTP
API through the ONE transport method ``_request`` (``requests``, explicit timeouts) and
implements ``send`` and ``test_connection``, and reads the provider's delivery reports
(``verify_callback`` / ``parse_callback`` for the signed callback, ``parse_report`` for a
per-message report URL). ``coka.message.provider._coka_adapter_class``
returns the class of a provider type; a provider module adds its type with ``selection_add``
and answers for it there, leaving the other types to ``super()``.

Every failure is a ``ProviderError`` (coka_pbx's): ``retryable`` says whether the same
message may be tried again later (timeout, 5xx, 429, the provider's "busy" codes), ``code``
and ``detail`` carry the provider's own error code and reason, ``retry_after`` the seconds a
429 asked to wait. ``kind == "duplicate"`` means the provider already has a message with this
idempotency key: it was accepted by an earlier attempt, so it is not sent again.
"""

import json
import logging

import requests

from odoo.addons.coka_pbx.tools import signature
from odoo.addons.coka_pbx.tools.pbx_client import ProviderError, http_error

_logger = logging.getLogger(__name__)

CONNECT_TIMEOUT = 5
READ_TIMEOUT = 20
CALLBACK_STATES = ("delivered", "failed")
MAX_CALLBACK_EVENTS = 500


class CallbackError(ValueError):
    """A delivery callback body that cannot be applied (answered 400 with the reason)."""


class MessageClient:
    """Base of the messaging provider clients.

    :param str base_url: the provider's API URL (the documented paths are appended)
    :param dict config: the provider's credentials and options (see each client)
    """

    name = "provider"

    def __init__(self, base_url, config=None):
        if not base_url:
            raise ProviderError("no_url")
        self.base_url = base_url.rstrip("/")
        self.config = dict(config or {})
        self.timeout = (CONNECT_TIMEOUT, READ_TIMEOUT)

    def _request(self, method, path, json_body=None, data=None, headers=None, params=None):
        """The one transport method: one HTTP request, explicit timeouts, clear errors.

        :param str path: appended to ``base_url``, unless it is an absolute URL
        :return: the decoded JSON answer (a dict)
        :raise ProviderError: network failure, HTTP error, a body that is not a JSON object
        """
        url = path if path.startswith(("http://", "https://")) else f"{self.base_url}{path}"
        try:
            response = requests.request(
                method,
                url,
                json=json_body,
                data=data,
                params=params,
                headers=headers or {},
                timeout=self.timeout,
            )
        except requests.Timeout:
            raise ProviderError("timeout", retryable=True, detail="no answer in time") from None
        except requests.RequestException as error:
            _logger.info("%s request %s %s failed: %s", self.name, method, path, error)
            raise ProviderError("unreachable", retryable=True, detail="cannot connect") from None
        if response.status_code >= 400:
            raise self._http_error(response)
        try:
            answer = response.json()
        except ValueError:
            raise ProviderError(
                "not_json", status=response.status_code, retryable=True, detail="not JSON"
            ) from None
        if not isinstance(answer, dict):
            raise ProviderError("unexpected", detail="not a JSON object", retryable=True)
        return answer

    @staticmethod
    def _http_error(response):
        return http_error(response, (response.text or "")[:200])

    # Sending ------------------------------------------------------------------------------

    def send(self, number, body, key, template_ref=None, template_data=None, callback_url=None):
        """Send one message.

        :param str number: E.164 mobile number (``+84…``)
        :param str body: the rendered text (SMS)
        :param str key: the idempotency key, the same for every attempt of this message
        :param str template_ref: the provider's template id (ZNS)
        :param dict template_data: the template parameters (ZNS)
        :param str callback_url: where the provider reports this message's delivery, for the
            providers that take one per message (eSMS ``CallbackUrl``); others ignore it
        :return: the provider's message id (str)
        :raise ProviderError:
        """
        raise NotImplementedError

    def test_connection(self):
        """:return: a short English text saying what the provider answered"""
        raise NotImplementedError

    # Delivery callbacks -------------------------------------------------------------------

    @classmethod
    def verify_callback(cls, secret, headers, body, now):
        """:return: ``None`` when the callback is authentic, else the reason (answered 401)"""
        return signature.check(
            secret, headers.get("X-Coka-Timestamp"), headers.get("X-Coka-Signature"), body, now
        )

    @classmethod
    def parse_report(cls, params):
        """The delivery report a provider sends to a message's own report URL (see
        ``tools/report_token.py``); only the providers that take one per message have it.

        :param dict params: the query / form parameters of the request (name -> str)
        :return: dict ``status`` (``"delivered"``, ``"failed"``, or ``None`` for a report that
            changes nothing), ``message_id``, ``error_code``, ``error_message``
        :raise CallbackError: the reason the report is refused
        """
        raise CallbackError(f"{cls.name} sends no per-message delivery reports")

    @classmethod
    def parse_callback(cls, body):
        """The delivery reports of a callback body.

        Body: one JSON object or a list of them, each ``{"message_id": <provider id> or
        "key": <idempotency key>, "status": "delivered" | "failed", "error_code",
        "error_message"}``.

        :return: list of dicts ``message_id``, ``key``, ``status``, ``error_code``,
            ``error_message`` (str or ``None``)
        :raise CallbackError: the reason the body is refused
        """
        try:
            payload = json.loads(body)
        except (ValueError, UnicodeDecodeError):
            raise CallbackError("the body is not JSON") from None
        events = payload if isinstance(payload, list) else [payload]
        if not events:
            raise CallbackError("no delivery report in the body")
        if len(events) > MAX_CALLBACK_EVENTS:
            raise CallbackError(f"more than {MAX_CALLBACK_EVENTS} delivery reports")
        parsed = []
        for event in events:
            if not isinstance(event, dict):
                raise CallbackError("a delivery report is not a JSON object")
            values = {}
            for field in ("message_id", "key", "status", "error_code", "error_message"):
                value = event.get(field)
                if value is not None and not isinstance(value, str | int):
                    raise CallbackError(f"{field} must be a string")
                value = str(value) if value not in (None, "") else None
                if value and "\x00" in value:
                    raise CallbackError(f"{field} contains a NUL character")
                values[field] = value[:1000] if value else None
            if not values["message_id"] and not values["key"]:
                raise CallbackError("a delivery report needs message_id or key")
            if values["status"] not in CALLBACK_STATES:
                raise CallbackError("status must be delivered or failed")
            parsed.append(values)
        return parsed
