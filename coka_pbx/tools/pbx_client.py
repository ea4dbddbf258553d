"""Provider adapters (SPEC PBX-10): Odoo asks the PBX to originate and control calls.

``GenericPbxClient`` speaks the documented generic HTTP API (README, "Generic provider API").
Every HTTP exchange goes through the one transport method ``_request`` (explicit timeouts);
tests patch it or point the client at the PBX simulator. Errors become ``ProviderError``,
which the provider model turns into a clear, translated ``UserError``.
"""

import logging
import re

import requests

from . import cdr, retry, signature

_logger = logging.getLogger(__name__)

CONNECT_TIMEOUT = 5
READ_TIMEOUT = 15
DTMF_RE = re.compile(r"^[0-9*#]{1,32}$")


class ProviderError(Exception):
    """A provider call that failed.

    ``kind`` says what went wrong (``timeout``, ``unreachable``, ``rate_limited``, ``auth``,
    ``server_error``, ``refused``, ``not_json``, ``unexpected``, ``no_call_id``, ``bad_dtmf``,
    ``no_url``); the model turns it into a translated message for the user. Other provider
    clients (coka_messaging's SMS and Zalo ZNS clients) raise it too, with the provider's own
    error ``code`` and, for a rate limit, the ``retry_after`` seconds the provider asked for.
    """

    def __init__(self, kind, status=None, detail="", retryable=False, code=None, retry_after=None):
        super().__init__(f"{kind}: {status or ''} {detail}".strip())
        self.kind = kind
        self.status = status
        self.detail = detail
        self.retryable = retryable
        self.code = code
        self.retry_after = retry_after


def http_error(response, detail=""):
    """The ``ProviderError`` of an HTTP error answer (status 400 or more): the one reading
    of statuses shared by every provider client (PBX, SMS and ZNS, Haravan).

    429 is a rate limit with the ``Retry-After`` asked for, 401 / 403 a credentials error,
    5xx a server error (both retryable), any other a refusal with ``detail``.

    :param response: the ``requests`` response
    :param str detail: the provider's reason, as its client reads it from the body
    """
    status = response.status_code
    if status == 429:
        return ProviderError(
            "rate_limited",
            status=status,
            retryable=True,
            detail=detail or "too many requests",
            retry_after=retry.retry_after_seconds(response.headers.get("Retry-After")),
        )
    if status in (401, 403):
        return ProviderError("auth", status=status, detail=detail)
    if status >= 500:
        return ProviderError("server_error", status=status, retryable=True, detail=detail)
    return ProviderError("refused", status=status, detail=detail)


class GenericPbxClient:
    """Adapter of the generic HTTP API, and the reference for the others: a provider module
    subclasses it, overrides ``_request`` or the call methods (and the inbound class methods
    when its PBX signs or words requests differently), and returns its class from
    ``coka.pbx.provider._coka_adapter_class`` for its provider type.

    :param str base_url: the provider's API URL
    :param str api_key: sent as ``Authorization: Bearer <api_key>``
    """

    def __init__(self, base_url, api_key):
        if not base_url:
            raise ProviderError("no_url")
        self.base_url = base_url.rstrip("/")
        self.api_key = api_key or ""
        self.timeout = (CONNECT_TIMEOUT, READ_TIMEOUT)

    def _request(self, method, path, payload=None, raw=False):
        """The one transport method: one HTTP request, explicit timeouts, clear errors.

        :return: the decoded JSON answer (dict), or bytes when ``raw``
        :raise ProviderError: on network failure, HTTP error or a body that is not JSON
        """
        url = f"{self.base_url}{path}"
        try:
            response = requests.request(
                method,
                url,
                json=payload,
                headers={"Authorization": f"Bearer {self.api_key}"},
                timeout=self.timeout,
            )
        except requests.Timeout:
            raise ProviderError("timeout", retryable=True) from None
        except requests.RequestException as error:
            _logger.warning("PBX request %s %s failed: %s", method, path, error)
            raise ProviderError("unreachable", retryable=True) from None
        if response.status_code >= 400:
            raise self._http_error(response)
        if raw:
            return response.content
        try:
            answer = response.json()
        except ValueError:
            raise ProviderError("not_json") from None
        if not isinstance(answer, dict):
            raise ProviderError("unexpected")
        return answer

    @staticmethod
    def _http_error(response):
        try:
            detail = response.json().get("error") or ""
        except (ValueError, AttributeError):
            detail = ""
        return http_error(response, str(detail)[:200])

    # Inbound: what the PBX sends to Odoo --------------------------------------------------

    @classmethod
    def verify_request(cls, secret, headers, body, now):
        """:return: ``None`` when the request is authentic, else the reason (answered 401)"""
        return signature.check(
            secret, headers.get("X-Coka-Timestamp"), headers.get("X-Coka-Signature"), body, now
        )

    @classmethod
    def parse_event(cls, body):
        """:return: the event dict of a webhook body; :raise cdr.EventError:"""
        return cdr.parse_event(body)

    @classmethod
    def parse_route_request(cls, body):
        """:return: the routing request dict; :raise cdr.EventError:"""
        return cdr.parse_route_request(body)

    # Call control -------------------------------------------------------------------------

    def originate(self, extension, number, hotline=None, reference=None):
        """Ring the agent's extension, then the customer. :return: the provider's call id."""
        answer = self._request(
            "POST",
            "/calls",
            {"extension": extension, "to": number, "hotline": hotline, "reference": reference},
        )
        call_id = answer.get("call_id")
        if not isinstance(call_id, str | int) or not str(call_id):
            raise ProviderError("no_call_id")
        return str(call_id)

    def _action(self, call_id, action, payload=None):
        return self._request("POST", f"/calls/{call_id}/{action}", payload or {})

    def hangup(self, call_id):
        return self._action(call_id, "hangup")

    def hold(self, call_id):
        return self._action(call_id, "hold")

    def unhold(self, call_id):
        return self._action(call_id, "unhold")

    def mute(self, call_id):
        return self._action(call_id, "mute")

    def unmute(self, call_id):
        return self._action(call_id, "unmute")

    def transfer(self, call_id, extension):
        return self._action(call_id, "transfer", {"extension": extension})

    def send_dtmf(self, call_id, digits):
        if not isinstance(digits, str) or not DTMF_RE.fullmatch(digits):
            raise ProviderError("bad_dtmf")
        return self._action(call_id, "dtmf", {"digits": digits})

    def fetch_recording(self, call_id):
        """:return: the recording's bytes"""
        return self._request("GET", f"/calls/{call_id}/recording", raw=True)
