"""eSMS.vn brandname SMS client (SPEC MSG-3, MSG-4). No ORM.

Documented API (``https://rest.esms.vn/MainService.svc/json``; sources in the module's
readme/DEVELOP.md):

- ``POST /SendMultipleMessage_V4_post_json/`` with ``ApiKey``, ``SecretKey``, ``Phone``,
  ``Content``, ``Brandname``, ``SmsType``, ``IsUnicode``, ``Sandbox``, ``RequestId`` (eSMS
  refuses a RequestId it has already seen with code 124: our idempotency key) and
  ``CallbackUrl``; ``CodeResult == "100"`` means accepted (not delivered) with ``SMSID``.
- ``POST /GetBalance_json`` with ``ApiKey``, ``SecretKey`` answers ``CodeResponse == "100"``
  and ``Balance``.
- The delivery report: eSMS calls the message's ``CallbackUrl`` (HTTP GET, unsigned, retried
  up to 5 times on a timeout) with ``SMSID``, ``SendStatus`` (1 pending approval, 2 waiting
  to be sent, 4 rejected, 5 sent, 7 sent to the operator and waiting for its report),
  ``SendSuccess``, ``SendFailed`` (counts), ``RequestId``, ``phonenumber``...
  ``parse_report`` reads it.
"""

import re

from odoo.addons.coka_pbx.tools.pbx_client import ProviderError

from .message_client import CallbackError, MessageClient

SEND_PATH = "/SendMultipleMessage_V4_post_json/"
BALANCE_PATH = "/GetBalance_json"
ACCEPTED = "100"
DUPLICATE_REQUEST = "124"

# CodeResult -> (kind, retryable, English reason), from eSMS's table of error codes. None of
# them says "try again later": the transient failures are the HTTP ones (timeout, 5xx, 429,
# handled by ``_request``). Unknown codes fail at once (permanent) as well: a message is
# never retried blindly on an answer nobody understood.
ESMS_ERRORS = {
    "99": ("refused", False, "the phone number is blocked at eSMS"),
    "101": ("auth", False, "eSMS refused the ApiKey / SecretKey"),
    "102": ("auth", False, "the eSMS account has no price list"),
    "103": ("no_balance", False, "the eSMS account balance is too low"),
    "104": ("bad_brandname", False, "the Brandname is not registered at eSMS"),
    "108": ("bad_number", False, "eSMS refused the phone number format"),
    "118": ("refused", False, "eSMS does not support this SmsType"),
    "124": ("duplicate", False, "eSMS already has a message with this RequestId"),
    "140": ("auth", False, "the server's IP address is not whitelisted at eSMS"),
    "146": ("bad_template", False, "the content does not match a template registered at eSMS"),
    "177": ("refused", False, "the phone number's network is not registered for this Brandname"),
}

# SendStatus of a delivery report: 4 and 5 are final, 1, 2 and 7 are still on the way.
REPORT_REJECTED = "4"
REPORT_SENT = "5"
REPORT_PENDING = {"1", "2", "7"}
REPORT_MAX_LENGTH = 200
_DIGITS = re.compile(r"^[0-9]{1,9}$")


def esms_number(number):
    """eSMS takes Vietnamese numbers as ``0…`` or ``84…``: send ``84…`` without ``+``."""
    return (number or "").strip().lstrip("+")


class EsmsClient(MessageClient):
    """eSMS brandname SMS.

    ``config``: ``api_key``, ``secret_key``, ``brandname``, ``sms_type`` (``"2"``: customer
    care brandname), ``sandbox`` (bool).
    """

    name = "eSMS"

    def _error(self, code, answer):
        kind, retryable, reason = ESMS_ERRORS.get(
            code, ("refused", False, f"eSMS refused the message (code {code})")
        )
        detail = answer.get("ErrorMessage") or reason
        return ProviderError(kind, code=code, detail=str(detail)[:500], retryable=retryable)

    def _credentials(self):
        return {
            "ApiKey": self.config.get("api_key") or "",
            "SecretKey": self.config.get("secret_key") or "",
        }

    def send(self, number, body, key, template_ref=None, template_data=None, callback_url=None):
        """``callback_url`` goes as ``CallbackUrl``: eSMS calls it with the delivery report."""
        config = self.config
        payload = {
            **self._credentials(),
            "Phone": esms_number(number),
            "Content": body or "",
            "Brandname": config.get("brandname") or "",
            "SmsType": str(config.get("sms_type") or "2"),
            "IsUnicode": "0" if (body or "").isascii() else "1",
            "Sandbox": "1" if config.get("sandbox") else "0",
            "RequestId": key,
        }
        if callback_url:
            payload["CallbackUrl"] = callback_url
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
        answer = self._request("POST", BALANCE_PATH, json_body=self._credentials())
        code = str(answer.get("CodeResponse") or answer.get("CodeResult") or "")
        if code != ACCEPTED:
            raise self._error(code, answer)
        return answer.get("Balance")

    def test_connection(self):
        return f"eSMS balance: {self.get_balance()}"

    # Delivery reports ---------------------------------------------------------------------

    @staticmethod
    def _report_values(params):
        """The report's parameters eSMS documents, checked: ``SendStatus`` (required) and the
        counts are numbers, every value a short text without NUL (missing ones ``None``)."""
        if not isinstance(params, dict):
            raise CallbackError("the report has no parameters")
        values = {}
        for name in ("SendStatus", "SendSuccess", "SendFailed", "SMSID"):
            value = params.get(name)
            if value is None or value == "":
                values[name] = None
                continue
            if not isinstance(value, str):
                raise CallbackError(f"{name} must be a string")
            if "\x00" in value or len(value) > REPORT_MAX_LENGTH:
                raise CallbackError(f"{name} is not valid")
            values[name] = value.strip()
        if not values["SendStatus"]:
            raise CallbackError("SendStatus is missing")
        for name in ("SendStatus", "SendSuccess", "SendFailed"):
            if values[name] is not None and not _DIGITS.match(values[name]):
                raise CallbackError(f"{name} must be a number")
        return values

    @classmethod
    def parse_report(cls, params):
        """Read the parameters eSMS sends to a message's ``CallbackUrl``.

        ``SendStatus`` 5 is delivered, unless the counts say the one recipient failed
        (``SendFailed`` > 0 and ``SendSuccess`` 0); 4 is rejected by eSMS; 1, 2 and 7 are
        still on the way (``status`` ``None``: nothing changes).

        :param dict params: the query / form parameters (name -> str)
        :return: dict ``status`` (``"delivered"``, ``"failed"`` or ``None``),
            ``message_id`` (eSMS SMSID or ``None``), ``error_code``, ``error_message``
        :raise CallbackError: the reason the parameters are refused
        """
        values = cls._report_values(params)
        status = values["SendStatus"]
        report = {
            "status": None,
            "message_id": values["SMSID"],
            "error_code": None,
            "error_message": None,
        }
        if status in REPORT_PENDING:
            return report
        if status == REPORT_REJECTED:
            report.update(
                status="failed",
                error_code="rejected",
                error_message="eSMS rejected the message (SendStatus 4)",
            )
            return report
        if status != REPORT_SENT:
            raise CallbackError(f"unknown SendStatus {status}")
        failed = int(values["SendFailed"] or 0)
        succeeded = int(values["SendSuccess"] or 0)
        if failed and not succeeded:
            report.update(
                status="failed",
                error_code="not_delivered",
                error_message="the operator could not deliver the message (eSMS SendFailed)",
            )
        else:
            report["status"] = "delivered"
        return report
