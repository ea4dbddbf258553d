from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.modules import module as odoo_module

from odoo.addons.coka_pbx.tools.pbx_client import ProviderError

from ..tools import report_token
from ..tools.esms_client import EsmsClient
from ..tools.message_client import CallbackError
from ..tools.zns_client import DEFAULT_OAUTH_URL, ZnsClient

# The access token is renewed this long before Zalo's expiry.
TOKEN_MARGIN = timedelta(minutes=10)


class CokaMessageProvider(models.Model):
    """An SMS brandname or Zalo ZNS account that sends the messages of a company
    (SPEC MSG-3, MSG-4)."""

    _name = "coka.message.provider"
    _description = "Messaging Provider"
    _order = "name, id"

    name = fields.Char(required=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )
    provider_type = fields.Selection(
        [("esms", "eSMS (SMS brandname)"), ("zalo_zns", "Zalo ZNS")],
        string="Type",
        required=True,
        default="esms",
    )
    channel = fields.Selection(
        [("sms", "SMS"), ("zns", "Zalo ZNS")], compute="_compute_channel", store=True
    )
    api_url = fields.Char(
        string="API URL",
        required=True,
        help="Base URL of the provider's API; the documented paths are appended "
        "(eSMS: https://rest.esms.vn/MainService.svc/json, "
        "Zalo ZNS: https://business.openapi.zalo.me).",
    )
    active = fields.Boolean(default=True)
    # eSMS
    esms_api_key = fields.Char(string="eSMS ApiKey", groups="base.group_system", copy=False)
    esms_secret_key = fields.Char(string="eSMS SecretKey", groups="base.group_system", copy=False)
    esms_brandname = fields.Char(string="Brandname", groups="base.group_system")
    esms_sms_type = fields.Char(
        string="SmsType",
        default="2",
        groups="base.group_system",
        help="eSMS SmsType: 2 is the customer-care brandname.",
    )
    esms_sandbox = fields.Boolean(
        string="Sandbox",
        groups="base.group_system",
        help="eSMS answers as usual but sends nothing and charges nothing.",
    )
    # Zalo ZNS
    zalo_app_id = fields.Char(string="Zalo App ID", groups="base.group_system", copy=False)
    zalo_secret_key = fields.Char(groups="base.group_system", copy=False)
    zalo_oauth_url = fields.Char(
        string="Zalo OAuth URL", default=DEFAULT_OAUTH_URL, groups="base.group_system"
    )
    zalo_access_token = fields.Char(groups="base.group_system", copy=False)
    zalo_token_expiry = fields.Datetime(
        string="Access Token Expiry", groups="base.group_system", copy=False
    )
    zalo_refresh_token = fields.Char(
        groups="base.group_system",
        copy=False,
        help="Spent at each renewal: Zalo answers a new one, stored here.",
    )
    # Delivery callbacks
    webhook_secret = fields.Char(
        groups="base.group_system",
        copy=False,
        help="HMAC secret of the delivery callbacks /coka_messaging/callback/<id> and of the "
        "per-message report URLs sent to eSMS (without it eSMS reports nothing).",
    )
    callback_url = fields.Char(compute="_compute_callback_url", string="Callback URL")

    @api.depends("provider_type")
    def _compute_channel(self):
        for provider in self:
            provider.channel = "zns" if provider.provider_type == "zalo_zns" else "sms"

    def _compute_callback_url(self):
        base = self.env["ir.config_parameter"].sudo().get_param("web.base.url", "")
        for provider in self:
            provider.callback_url = (
                f"{base}/coka_messaging/callback/{provider.id}" if provider.id else False
            )

    # Adapters -----------------------------------------------------------------------------

    @api.model
    def _coka_adapter_class(self, provider_type):
        """The client class of a provider type, a subclass of
        ``tools.message_client.MessageClient``. A provider module adds its type with
        ``selection_add`` and answers for it here, leaving the others to ``super()``.

        :raise UserError: for a type no installed module serves
        """
        if provider_type == "esms":
            return EsmsClient
        if provider_type == "zalo_zns":
            return ZnsClient
        raise UserError(
            self.env._(
                "No installed module serves the messaging provider type %(type)s.",
                type=provider_type,
            )
        )

    def _coka_client_config(self):
        """The credentials the client of the provider's type needs (read with sudo)."""
        provider = self.sudo()
        if provider.provider_type == "esms":
            return {
                "api_key": provider.esms_api_key,
                "secret_key": provider.esms_secret_key,
                "brandname": provider.esms_brandname,
                "sms_type": provider.esms_sms_type,
                "sandbox": provider.esms_sandbox,
            }
        if provider.provider_type == "zalo_zns":
            return {
                "app_id": provider.zalo_app_id,
                "secret_key": provider.zalo_secret_key,
                "oauth_url": provider.zalo_oauth_url,
            }
        return {}

    def _coka_client(self):
        """:return: a client of the provider's API"""
        self.ensure_one()
        provider = self.sudo()
        adapter = self._coka_adapter_class(provider.provider_type)
        try:
            if issubclass(adapter, ZnsClient):
                client = adapter(provider.api_url, self._coka_client_config())
                client.token_source = lambda force=False: provider._coka_zns_token(client, force)
                return client
            return adapter(provider.api_url, self._coka_client_config())
        except ProviderError as error:
            raise self._coka_user_error(error) from None

    def _coka_zns_token(self, client, force=False):
        """A valid Zalo access token: the stored one, or a new one when it expires within
        ``TOKEN_MARGIN`` or ``force`` (Zalo called it expired). The refresh is done under a
        row lock and committed on its own cursor (outside tests), so the rotated refresh
        token is never lost by a rollback of the sending transaction, and two workers never
        spend the same refresh token. The lock is ``FOR NO KEY UPDATE``: it does not wait for
        the sending transaction's own key-share lock (a message written with this provider)."""
        self.ensure_one()
        self.flush_recordset(["zalo_access_token", "zalo_token_expiry", "zalo_refresh_token"])
        if odoo_module.current_test:
            return self._coka_zns_token_in(self.env.cr, client, force)
        with self.env.registry.cursor() as cr:
            return self._coka_zns_token_in(cr, client, force)

    def _coka_zns_token_in(self, cr, client, force):
        cr.execute(
            "SELECT zalo_access_token, zalo_token_expiry, zalo_refresh_token "
            "FROM coka_message_provider WHERE id = %s FOR NO KEY UPDATE",
            [self.id],
        )
        access, expiry, refresh = cr.fetchone()
        now = fields.Datetime.now()
        stale = not access or not expiry or expiry - TOKEN_MARGIN <= now
        # Another worker may have renewed it while this one waited for the lock.
        renewed_meanwhile = force and access and access != getattr(client, "_last_token", None)
        if access and not stale and (not force or renewed_meanwhile):
            client._last_token = access
            return access
        tokens = client.refresh_tokens(refresh)
        cr.execute(
            "UPDATE coka_message_provider SET zalo_access_token = %s, zalo_refresh_token = %s, "
            "zalo_token_expiry = %s WHERE id = %s",
            [
                tokens["access_token"],
                tokens["refresh_token"],
                now + timedelta(seconds=tokens["expires_in"]),
                self.id,
            ],
        )
        if cr is self.env.cr:
            self.invalidate_recordset(
                ["zalo_access_token", "zalo_refresh_token", "zalo_token_expiry"]
            )
        client._last_token = tokens["access_token"]
        return tokens["access_token"]

    def _coka_user_error(self, error):
        """The ``UserError`` a person reads for a failed provider call (SPEC REL-3)."""
        env = self.env
        messages = {
            "no_url": env._("The messaging provider has no API URL."),
            "timeout": env._("The provider did not answer in time. Try again in a moment."),
            "unreachable": env._("The provider cannot be reached. Check its API URL."),
            "rate_limited": env._("The provider is busy (too many requests). Try again later."),
            "not_json": env._("The provider sent an answer that is not JSON."),
            "server_error": env._(
                "The provider failed (HTTP %(status)s). Try again later.", status=error.status
            ),
        }
        message = messages.get(error.kind) or env._(
            "The provider refused: %(reason)s", reason=error.detail or error.kind
        )
        return UserError(message)

    def action_test_connection(self):
        """Ask the provider something harmless (eSMS: the balance; Zalo: the template list,
        renewing the access token when needed) and say what it answered. For those who may
        edit the provider (Call Center Administrators)."""
        self.ensure_one()
        self.check_access("write")
        client = self._coka_client()
        try:
            answer = client.test_connection()
        except ProviderError as error:
            raise self._coka_user_error(error) from None
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": self.env._("Connection works"),
                "message": answer,
                "type": "success",
                "sticky": False,
            },
        }

    @api.model
    def _coka_for_company(self, company, channel):
        """The active provider of ``company`` for ``channel``, or an empty recordset."""
        return self.sudo().search(
            [("company_id", "=", company.id), ("channel", "=", channel), ("active", "=", True)],
            limit=1,
        )

    # Delivery callbacks (SPEC MSG-3, REL-1) -----------------------------------------------

    @api.model
    def _coka_inbound_provider(self, provider_ref):
        """The active provider named by the id of an inbound URL, and its adapter class.

        :param str provider_ref: the provider id from the URL
        :return: ``(provider, adapter, refusal)``: ``refusal`` is ``None``, or the
            ``(http_status, json_payload)`` to answer (404 unknown provider, 503 no adapter)
        """
        provider = self.browse()
        if isinstance(provider_ref, str) and provider_ref.isdigit() and len(provider_ref) < 10:
            provider = self.search([("id", "=", int(provider_ref)), ("active", "=", True)])
        if not provider:
            return provider, None, (404, {"ok": False, "error": "unknown provider"})
        try:
            adapter = self._coka_adapter_class(provider.provider_type)
        except UserError as error:
            return provider, None, (503, {"ok": False, "error": error.args[0]})
        return provider, adapter, None

    def _coka_report_url(self, ref):
        """The URL the provider calls with the delivery report of one message (eSMS
        ``CallbackUrl``): ``<web.base.url>/coka_messaging/callback/<id>/report/<ref>/<token>``,
        see ``tools/report_token.py``. ``None`` without a webhook secret (no report then).

        :param str ref: ``msg-<idempotency key>`` or ``sms-<sms uuid>``
        """
        self.ensure_one()
        secret = self.sudo().webhook_secret
        if not secret:
            return None
        base = self.env["ir.config_parameter"].sudo().get_param("web.base.url", "")
        token = report_token.report_token(secret, self.id, ref)
        return f"{base.rstrip('/')}/coka_messaging/callback/{self.id}/report/{ref}/{token}"

    @api.model
    def _coka_receive_report(self, provider_ref, ref, token, params):
        """Authenticate and apply the delivery report of one message, sent to its own report
        URL (``_coka_report_url``). Called by the controller with ``sudo()``: only the
        message named by the token is touched. Idempotent: a repeated or late report
        changes nothing.

        :param str provider_ref: the provider id from the URL
        :param str ref: ``msg-<idempotency key>`` or ``sms-<sms uuid>``
        :param str token: the report token of ``ref``
        :param dict params: the query / form parameters (name -> str)
        :return: ``(http_status, json_payload)``
        """
        provider, adapter, refusal = self._coka_inbound_provider(provider_ref)
        if refusal:
            return refusal
        if not report_token.check_report_token(provider.webhook_secret, provider.id, ref, token):
            return 403, {"ok": False, "error": "bad token"}
        parts = report_token.split_ref(ref)
        if not parts:
            return 400, {"ok": False, "error": "unknown message reference"}
        try:
            report = adapter.parse_report(params)
        except CallbackError as error:
            return 400, {"ok": False, "error": str(error)}
        prefix, value = parts
        if prefix == report_token.MESSAGE_PREFIX:
            records = self.env["coka.message"].with_company(provider.company_id)
        else:
            records = self.env["sms.sms"].with_company(provider.company_id)
        found, updated = records._coka_apply_provider_report(provider, value, report)
        if not found:
            return 400, {"ok": False, "error": "unknown message"}
        return 200, {"ok": True, "updated": int(updated)}

    @api.model
    def _coka_receive_callback(self, provider_ref, headers, body, now):
        """Authenticate and apply one delivery callback. Called by the controller with
        ``sudo()``: only the provider's own messages are touched.

        :param str provider_ref: the provider id from the URL
        :param headers: the request headers (a mapping)
        :param bytes body: the raw body
        :param float now: unix time, for the signature's age
        :return: ``(http_status, json_payload)``
        """
        provider, adapter, refusal = self._coka_inbound_provider(provider_ref)
        if refusal:
            return refusal
        reason = adapter.verify_callback(provider.webhook_secret or "", headers, body, now)
        if reason:
            return 401, {"ok": False, "error": reason}
        try:
            reports = adapter.parse_callback(body)
        except CallbackError as error:
            return 400, {"ok": False, "error": str(error)}
        messages = self.env["coka.message"].with_company(provider.company_id)
        updated, unknown = messages._coka_apply_reports(provider, reports)
        return 200, {"ok": True, "updated": updated, "unknown": unknown}
