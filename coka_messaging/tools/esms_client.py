"""eSMS.vn brandname SMS client (SPEC MSG-3, MSG-4). No ORM.

Documented API (``https://rest.esms.vn/MainService.svc/json``):

- ``POST /SendMultipleMessage_V4_post_json/`` with ``ApiKey``, ``SecretKey``, ``Phone``,
  ``Content``, ``Brandname``, ``SmsType``, ``IsUnicode``, ``Sandbox``, ``RequestId`` (eSMS
  refuses a RequestId it has already seen: our idempotency key) and ``CallbackUrl``;
  ``CodeResult == "100"`` means accepted (not delivered) with ``SMSID``.
- ``GET /GetBalance/<ApiKey>/<SecretKey>`` answers ``CodeResponse == "100"`` and ``Balance``.
"""

from odoo.addons.coka_pbx.tools.pbx_client import ProviderError

from .message_client import MessageClient

SEND_PATH = "/SendMultipleMessage_V4_post_json/"
BALANCE_PATH = "/GetBalance/{api_key}/{secret_key}"
ACCEPTED = "100"
DUPLICATE_REQUEST = "124"

# CodeResult -> (kind, retryable, English reason). Unknown codes fail at once (permanent):
# a message is never retried blindly on an answer nobody understood.
ESMS_ERRORS = {
    "99": ("busy", True, "eSMS unknown error, try again later"),
    "101": ("auth", False, "eSMS refused the ApiKey / SecretKey"),
    "102": ("auth", False, "the eSMS account is locked"),
    "103": ("no_balance", False, "the eSMS account balance is too low"),
    "104": ("bad_brandname", False, "the Brandname is not registered at eSMS"),
    "108": ("bad_number", False, "eSMS refused the phone number"),
    "118": ("refused", False, "eSMS refused the SmsType"),
    "124": ("duplicate", False, "eSMS already has a message with this RequestId"),
    "146": ("bad_template", False, "the content does not match a template registered at eSMS"),
}


def esms_number(number):
    """eSMS takes Vietnamese numbers as ``0…`` or ``84…``: send ``84…`` without ``+``."""
    return (number or "").strip().lstrip("+")


class EsmsClient(MessageClient):
    """eSMS brandname SMS.

    ``config``: ``api_key``, ``secret_key``, ``brandname``, ``sms_type`` (``"2"``: customer
    care brandname), ``sandbox`` (bool), ``callback_url`` (sent as ``CallbackUrl`` when set).
    """

    name = "eSMS"

    def _error(self, code, answer):
        kind, retryable, reason = ESMS_ERRORS.get(
            code, ("refused", False, f"eSMS refused the message (code {code})")
        )
        detail = answer.get("ErrorMessage") or reason
        return ProviderError(kind, code=code, detail=str(detail)[:500], retryable=retryable)

    def send(self, number, body, key, template_ref=None, template_data=None):
        config = self.config
        payload = {
            "ApiKey": config.get("api_key") or "",
            "SecretKey": config.get("secret_key") or "",
            "Phone": esms_number(number),
            "Content": body or "",
            "Brandname": config.get("brandname") or "",
            "SmsType": str(config.get("sms_type") or "2"),
            "IsUnicode": "0" if (body or "").isascii() else "1",
            "Sandbox": "1" if config.get("sandbox") else "0",
            "RequestId": key,
        }
        if config.get("callback_url"):
            payload["CallbackUrl"] = config["callback_url"]
        answer = self._request("POST", SEND_PATH, json_body=payload)
        code = str(answer.get("CodeResult") or "")
        if code != ACCEPTED:
            raise self._error(code, answer)
        sms_id = answer.get("SMSID")
        if not isinstance(sms_id, str | int) or not str(sms_id):
            raise ProviderError("unexpected", detail="eSMS accepted without an SMSID")
        return str(sms_id)

    def get_balance(self):
        """:return: the account balance (a number)"""
        path = BALANCE_PATH.format(
            api_key=self.config.get("api_key") or "-",
            secret_key=self.config.get("secret_key") or "-",
        )
        answer = self._request("GET", path)
        code = str(answer.get("CodeResponse") or answer.get("CodeResult") or "")
        if code != ACCEPTED:
            raise self._error(code, answer)
        return answer.get("Balance")

    def test_connection(self):
        return f"eSMS balance: {self.get_balance()}"
