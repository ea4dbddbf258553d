from odoo import fields, models
from odoo.exceptions import UserError

from ..tools.haravan_client import DEFAULT_API_URL, READ_TIMEOUT, HaravanClient

# The kinds of ProviderError that mean the connection settings are wrong: no record can be
# synced until an administrator fixes them.
CONFIG_KINDS = ("auth", "no_url", "no_token")


class ResCompany(models.Model):
    _inherit = "res.company"

    coka_haravan_shop = fields.Char(
        string="Haravan Shop", help="Shop domain, e.g. myshop.myharavan.com"
    )
    coka_haravan_token = fields.Char(
        string="Haravan Access Token", groups="base.group_system", copy=False
    )
    coka_haravan_api_url = fields.Char(
        string="Haravan API URL",
        default=DEFAULT_API_URL,
        help="Base URL of Haravan's API; the documented paths (/com/customers.json) are appended.",
    )

    def _coka_haravan_client(self, sleep=None):
        """A client of the company's shop, the token read with ``sudo`` (it is a secret of
        the System administrators; whoever syncs uses it without reading it).

        :raise UserError: when the token or the API URL is missing
        """
        self.ensure_one()
        company = self.sudo()
        if not company.coka_haravan_token:
            raise UserError(
                self.env._(
                    "Haravan is not configured for %(company)s: enter the access token in "
                    "Settings › Call Center › Haravan.",
                    company=self.name,
                )
            )
        if not company.coka_haravan_api_url:
            raise UserError(
                self.env._("Haravan is not configured: enter the API URL in the settings.")
            )
        kwargs = {"sleep": sleep} if sleep else {}
        return HaravanClient(company.coka_haravan_api_url, company.coka_haravan_token, **kwargs)

    def _coka_haravan_message(self, error):
        """What a person reads for a failed Haravan call (a ``ProviderError``)."""
        env = self.env
        url = self.sudo().coka_haravan_api_url or ""
        if error.kind == "auth" and error.status == 403:
            return env._(
                "Haravan refused the access token's rights (HTTP 403): the Haravan app needs "
                "the scopes com.read_customers and com.write_customers."
            )
        if error.kind == "auth":
            return env._(
                "Haravan refused the access token (HTTP 401): check the token in "
                "Settings › Call Center › Haravan."
            )
        messages = {
            "no_url": env._("Haravan is not configured: enter the API URL in the settings."),
            "timeout": env._(
                "Haravan did not answer within %(seconds)s seconds. Try again in a moment.",
                seconds=READ_TIMEOUT,
            ),
            "unreachable": env._(
                "Haravan cannot be reached at %(url)s: check the API URL and the network.",
                url=url,
            ),
            "rate_limited": env._(
                "Haravan is busy (too many requests, HTTP 429) even after waiting. Try again later."
            ),
            "not_json": env._(
                "Haravan sent an answer that is not JSON (HTTP %(status)s): check the API URL.",
                status=error.status,
            ),
            "unexpected": env._(
                "Haravan sent an unexpected answer: %(reason)s", reason=error.detail
            ),
            "server_error": env._(
                "Haravan failed (HTTP %(status)s). Try again later.", status=error.status
            ),
        }
        return messages.get(error.kind) or env._(
            "Haravan refused the customer (HTTP %(status)s): %(reason)s",
            status=error.status,
            reason=error.detail or error.kind,
        )
