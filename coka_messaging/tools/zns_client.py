"""Zalo ZNS client (SPEC MSG-3). No ORM.

Documented API:

- ``POST <api_url>/message/template`` (``https://business.openapi.zalo.me``) with header
  ``access_token`` and body ``phone`` (``84…``), ``template_id``, ``template_data``,
  ``tracking_id`` (our idempotency key); success is ``error == 0`` with ``data.msg_id``.
- ``GET <api_url>/template/all?offset=0&limit=1`` lists the OA's templates (test connection).
- ``GET <api_url>/template/info/v2?template_id=<id>``: one template's ``status``
  (``ENABLE``, ``PENDING_REVIEW``, ``REJECT``, ``DISABLE``, ``DELETE``), the rejection
  ``reason`` and ``listParams`` (each parameter's ``name`` and ``maxLength``).
- ``POST <oauth_url>/v4/oa/access_token`` (``https://oauth.zaloapp.com``), header
  ``secret_key``, form ``app_id``, ``grant_type=refresh_token``, ``refresh_token``: a new
  ``access_token`` (``expires_in`` seconds) and a NEW ``refresh_token`` (the old one is spent).

The access token comes from ``token_source(force=False)``, a callable the provider model
gives: it renews the token before it expires and stores the rotated refresh token. An
"access token invalid / expired" answer renews it once (``force=True``) and sends again.
"""

import hashlib
import hmac
import json

from odoo.addons.coka_pbx.tools.pbx_client import ProviderError

from .message_client import CallbackError, MessageClient

SEND_PATH = "/message/template"
TEMPLATES_PATH = "/template/all"
TEMPLATE_INFO_PATH = "/template/info/v2"
OAUTH_PATH = "/v4/oa/access_token"
DEFAULT_OAUTH_URL = "https://oauth.zaloapp.com"
EXPIRED_TOKEN_CODES = {-124, -216}
ZALO_SIGNATURE_HEADER = "X-ZEvent-Signature"
ZALO_SIGNATURE_PREFIX = "mac="
ZALO_DELIVERED_EVENT = "user_received_message"

# Zalo error -> (kind, retryable, English reason). Unknown codes fail at once.
ZNS_ERRORS = {
    -32: ("rate_limited", True, "Zalo rate limit reached"),
    -100: ("busy", True, "Zalo internal error, try again later"),
    -108: ("bad_number", False, "Zalo refused the phone number"),
    -109: ("bad_template", False, "the ZNS template id is not valid"),
    -111: ("bad_template", False, "the ZNS template has no content"),
    -112: ("bad_template", False, "the template data does not match the ZNS template"),
    -114: ("refused", False, "the Zalo user cannot receive ZNS messages"),
    -115: ("no_balance", False, "the Zalo OA balance is too low"),
    -117: ("auth", False, "the Zalo app has no permission to send ZNS"),
    -118: ("bad_number", False, "no Zalo account uses this phone number"),
    -124: ("auth", False, "the Zalo access token is invalid or expired"),
    -131: ("bad_template", False, "the ZNS template is not approved (ENABLE)"),
    -133: ("refused", False, "ZNS cannot be sent at this time of day"),
    -216: ("auth", False, "the Zalo access token is invalid or expired"),
}


def zns_number(number):
    """Zalo takes ``84…`` without ``+``."""
    number = (number or "").strip().lstrip("+")
    if number.startswith("0"):
        number = "84" + number[1:]
    return number


class ZnsClient(MessageClient):
    """Zalo ZNS.

    ``config``: ``app_id``, ``secret_key``, ``oauth_url``; ``token_source``: see the module.
    """

    name = "Zalo ZNS"

    def __init__(self, base_url, config=None, token_source=None):
        super().__init__(base_url, config)
        self.token_source = token_source

    def _error(self, code, answer):
        kind, retryable, reason = ZNS_ERRORS.get(
            code, ("refused", False, f"Zalo refused the message (error {code})")
        )
        detail = answer.get("message") or reason
        return ProviderError(kind, code=str(code), detail=str(detail)[:500], retryable=retryable)

    @staticmethod
    def _code(answer):
        try:
            return int(answer.get("error", 0) or 0)
        except (TypeError, ValueError):
            raise ProviderError("unexpected", detail="Zalo answered an unknown error") from None

    def _authorized(self, method, path, **kwargs):
        """A call with the access token, renewed once on an expired-token answer."""
        if not self.token_source:
            raise ProviderError("auth", detail="the Zalo provider has no access token")
        token = self.token_source(force=False)
        answer = self._request(method, path, headers={"access_token": token}, **kwargs)
        if self._code(answer) in EXPIRED_TOKEN_CODES:
            token = self.token_source(force=True)
            answer = self._request(method, path, headers={"access_token": token}, **kwargs)
        return answer

    def refresh_tokens(self, refresh_token):
        """Spend the refresh token for a new pair.

        :return: dict ``access_token``, ``refresh_token``, ``expires_in`` (seconds, int)
        :raise ProviderError: ``auth`` when Zalo refuses the app or the refresh token
        """
        if not refresh_token:
            raise ProviderError("auth", detail="the Zalo provider has no refresh token")
        oauth_url = (self.config.get("oauth_url") or DEFAULT_OAUTH_URL).rstrip("/")
        answer = self._request(
            "POST",
            f"{oauth_url}{OAUTH_PATH}",
            data={
                "app_id": self.config.get("app_id") or "",
                "grant_type": "refresh_token",
                "refresh_token": refresh_token,
            },
            headers={"secret_key": self.config.get("secret_key") or ""},
        )
        access = answer.get("access_token")
        if not access or not isinstance(access, str):
            reason = answer.get("error_description") or answer.get("error_name") or ""
            raise ProviderError(
                "auth",
                code=str(answer.get("error") or ""),
                detail=f"Zalo refused the token refresh: {reason}"[:500],
            )
        try:
            expires_in = int(answer.get("expires_in") or 0)
        except (TypeError, ValueError):
            expires_in = 0
        return {
            "access_token": access,
            "refresh_token": answer.get("refresh_token") or refresh_token,
            "expires_in": expires_in or 3600,
        }

    def send(self, number, body, key, template_ref=None, template_data=None, callback_url=None):
        """``callback_url`` is ignored: Zalo reports through the OA's webhook."""
        if not template_ref:
            raise ProviderError("bad_template", detail="the message has no ZNS template id")
        answer = self._authorized(
            "POST",
            SEND_PATH,
            json_body={
                "phone": zns_number(number),
                "template_id": template_ref,
                "template_data": template_data or {},
                "tracking_id": key,
            },
        )
        code = self._code(answer)
        if code != 0:
            raise self._error(code, answer)
        data = answer.get("data")
        msg_id = data.get("msg_id") if isinstance(data, dict) else None
        if not isinstance(msg_id, str | int) or not str(msg_id):
            raise ProviderError("unexpected", detail="Zalo accepted without a msg_id")
        return str(msg_id)

    def test_connection(self):
        answer = self._authorized("GET", TEMPLATES_PATH, params={"offset": 0, "limit": 1})
        code = self._code(answer)
        if code != 0:
            raise self._error(code, answer)
        return "Zalo ZNS: the access token works"

    def template_info(self, template_ref):
        """Zalo's status and parameters of one ZNS template.

        :param str template_ref: the template id at Zalo
        :return: dict ``status`` (Zalo's, upper case), ``reason`` (str or ``None``),
            ``params`` (parameter name -> maximum length, 0 when Zalo gives none)
        :raise ProviderError:
        """
        if not template_ref:
            raise ProviderError("bad_template", detail="the template has no ZNS template id")
        answer = self._authorized("GET", TEMPLATE_INFO_PATH, params={"template_id": template_ref})
        code = self._code(answer)
        if code != 0:
            raise self._error(code, answer)
        data = answer.get("data")
        status = data.get("status") if isinstance(data, dict) else None
        if not isinstance(status, str) or not status:
            raise ProviderError("unexpected", detail="Zalo answered a template without status")
        params = {}
        for param in data.get("listParams") or []:
            if not isinstance(param, dict) or not isinstance(param.get("name"), str):
                continue
            try:
                params[param["name"]] = max(0, int(param.get("maxLength") or 0))
            except (TypeError, ValueError):
                params[param["name"]] = 0
        reason = data.get("reason")
        return {
            "status": status.strip().upper(),
            "reason": str(reason)[:500] if reason else None,
            "params": params,
        }

    # Delivery callbacks: Zalo's own webhook as well as the suite's signed format ----------

    @classmethod
    def verify_callback(cls, secret, headers, body, now):
        """Zalo signs its webhook with ``X-ZEvent-Signature``: the SHA-256 (hex) of
        ``app_id + body + timestamp + OA secret key`` (``app_id`` and ``timestamp`` read from
        the JSON body; the provider's webhook secret is the OA secret key), taken with or
        without a ``mac=`` prefix (the public sources disagree on it). Other callers sign as
        the PBX."""
        given = headers.get(ZALO_SIGNATURE_HEADER)
        if not given:
            return super().verify_callback(secret, headers, body, now)
        if not secret:
            return "the provider has no webhook secret"
        try:
            payload = json.loads(body)
        except (ValueError, UnicodeDecodeError):
            return "the body is not JSON"
        if not isinstance(payload, dict):
            return "the body is not a JSON object"
        text = body.decode(errors="replace")
        mac = f"{payload.get('app_id', '')}{text}{payload.get('timestamp', '')}{secret}"
        expected = hashlib.sha256(mac.encode()).hexdigest()
        given = given.strip()
        if given[:4].lower() == ZALO_SIGNATURE_PREFIX:
            given = given[4:].strip()
        if not hmac.compare_digest(expected.encode(), given.lower().encode(errors="replace")):
            return "bad signature"
        return None

    @classmethod
    def parse_callback(cls, body):
        """Zalo's ``user_received_message`` event (``message.msg_id``, ``tracking_id``) is a
        delivery; its other events carry no report (answered 200, nothing changes)."""
        try:
            payload = json.loads(body)
        except (ValueError, UnicodeDecodeError):
            raise CallbackError("the body is not JSON") from None
        if not isinstance(payload, dict) or "event_name" not in payload:
            return super().parse_callback(body)
        if payload["event_name"] != ZALO_DELIVERED_EVENT:
            return []
        message = payload.get("message")
        if not isinstance(message, dict):
            raise CallbackError("message must be a JSON object")
        report = {"status": "delivered", "error_code": None, "error_message": None}
        for field, name in (("message_id", "msg_id"), ("key", "tracking_id")):
            value = message.get(name)
            if value is not None and not isinstance(value, str | int):
                raise CallbackError(f"{name} must be a string")
            value = str(value) if value not in (None, "") else None
            if value and "\x00" in value:
                raise CallbackError(f"{name} contains a NUL character")
            report[field] = value[:1000] if value else None
        if not report["message_id"] and not report["key"]:
            raise CallbackError("a delivery report needs msg_id or tracking_id")
        return [report]
