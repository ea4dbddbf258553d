import re
import time

from odoo import api, fields, models, tools
from odoo.exceptions import UserError, ValidationError

from ..tools import cdr, phone
from ..tools.pbx_client import GenericPbxClient, ProviderError

CODE_RE = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,63}$")


class CokaPbxProvider(models.Model):
    """A PBX (the media plane) that Odoo talks to over HTTP (SPEC PBX-10)."""

    _name = "coka.pbx.provider"
    _description = "PBX Provider"
    _order = "name, id"
    _inherit = ["coka.pbx.routing.cache"]
    # What _coka_lookup caches for the public API.
    _coka_routing_fields = frozenset(
        {"code", "active", "company_id", "webhook_secret", "provider_type"}
    )

    name = fields.Char(required=True)
    code = fields.Char(
        required=True,
        help="Identifier of the provider in webhook and routing URLs: "
        "/coka_pbx/webhook/<code> and /coka_pbx/route/<code>.",
    )
    provider_type = fields.Selection(
        [("generic", "Generic HTTP API")],
        string="Type",
        required=True,
        default="generic",
    )
    api_url = fields.Char(string="API URL", help="Base URL of the provider's HTTP API.")
    api_key = fields.Char(string="API Key", groups="base.group_system", copy=False)
    webhook_secret = fields.Char(groups="base.group_system", copy=False)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    hotline_ids = fields.One2many("coka.pbx.hotline", "provider_id")
    active = fields.Boolean(default=True)

    _sql_constraints = [
        ("code_uniq", "unique(code)", "The provider code must be unique."),
    ]

    @api.model
    def _normalize_code(self, code):
        return (code or "").strip().lower()

    @api.constrains("code")
    def _check_code(self):
        for provider in self:
            if not CODE_RE.match(provider.code or ""):
                raise ValidationError(
                    self.env._(
                        "The provider code %(code)s may only use lowercase letters, digits, "
                        "'-', '_' and '.'.",
                        code=provider.code,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if "code" in vals:
                vals["code"] = self._normalize_code(vals["code"])
        return super().create(vals_list)

    def write(self, vals):
        if "code" in vals:
            vals["code"] = self._normalize_code(vals["code"])
        return super().write(vals)

    # Adapters -----------------------------------------------------------------------------

    @api.model
    def _coka_adapter_class(self, provider_type):
        """The adapter class of a provider type: a class with the interface of
        ``tools.pbx_client.GenericPbxClient`` (one transport method ``_request``).

        A provider module adds its type to ``provider_type`` with ``selection_add`` and
        answers for it here, leaving the other types to ``super()``::

            def _coka_adapter_class(self, provider_type):
                if provider_type == "acme":
                    return AcmePbxClient
                return super()._coka_adapter_class(provider_type)

        It takes the type, not a record: the public API knows it from the cached lookup.

        :param str provider_type: a value of ``provider_type``
        :raise UserError: for a type no installed module serves
        """
        if provider_type == "generic":
            return GenericPbxClient
        raise UserError(
            self.env._(
                "No installed module serves the PBX provider type %(type)s.", type=provider_type
            )
        )

    def _coka_client(self):
        """:return: a client of the provider's HTTP API, for originate and call control"""
        self.ensure_one()
        provider = self.sudo()
        adapter = self._coka_adapter_class(provider.provider_type)
        try:
            return adapter(provider.api_url, provider.api_key)
        except ProviderError as error:
            raise self._coka_user_error(error) from None

    def _coka_user_error(self, error):
        """The ``UserError`` a person reads for a failed provider call (SPEC REL-3).

        :param ProviderError error: what the adapter raised
        """
        env = self.env
        messages = {
            "no_url": env._("The PBX provider has no API URL."),
            "timeout": env._("The PBX did not answer in time. Try again in a moment."),
            "unreachable": env._("The PBX cannot be reached. Check the provider's API URL."),
            "rate_limited": env._("The PBX is busy (too many requests). Try again in a moment."),
            "auth": env._("The PBX refused the API key. Check the provider's credentials."),
            "server_error": env._(
                "The PBX failed (HTTP %(status)s). Try again later.", status=error.status
            ),
            "refused": env._(
                "The PBX refused the request: %(detail)s", detail=error.detail or error.status
            ),
            "not_json": env._("The PBX sent an answer that is not JSON."),
            "unexpected": env._("The PBX sent an unexpected answer."),
            "no_call_id": env._("The PBX did not return a call id."),
            "bad_dtmf": env._("Keypad digits can only be 0-9, * and #."),
        }
        return UserError(messages.get(error.kind, messages["unexpected"]))

    # Public HTTP API (SPEC PBX-6, PBX-7, SEC-4) ------------------------------------------

    @api.model
    def _coka_receive(self, code, kind, headers, body):
        """Authenticate and handle one request of the PBX.

        Called by the controllers with ``sudo()``: everything below is scoped to the
        provider's own company.

        :param str code: provider code from the URL
        :param str kind: ``"webhook"`` or ``"route"``
        :param headers: the request headers (a mapping)
        :param bytes body: the raw body
        :return: ``(http_status, json_payload)``
        """
        code = self._normalize_code(code)
        found = CODE_RE.match(code) and self._coka_lookup(code)
        if not found:
            return 404, {"ok": False, "error": "unknown provider"}
        provider_id, company_id, secret, provider_type = found
        try:
            adapter = self._coka_adapter_class(provider_type)
        except UserError as error:
            # The provider's module is gone: nothing can check the request, nothing is applied.
            return 503, {"ok": False, "error": error.args[0]}
        reason = adapter.verify_request(secret, headers, body, time.time())
        if reason:
            return 401, {"ok": False, "error": reason}
        try:
            if kind == "route":
                return 200, self._coka_route_call(company_id, adapter.parse_route_request(body))
            event = adapter.parse_event(body)
            provider = self.browse(provider_id).with_company(company_id)
            call = provider.env["coka.pbx.call"]
            return 200, call._coka_ingest_event(provider, event, body=body)
        except cdr.EventError as error:
            return error.status, {"ok": False, "error": str(error)}

    @api.model
    @tools.ormcache("code")
    def _coka_lookup(self, code):
        """What the public API needs of an active provider, cached per worker (cleared in
        every worker when one of its ``_coka_routing_fields`` changes).

        :return: ``(id, company id, webhook secret, provider type)`` or ``None``
        """
        provider = self.sudo().search([("code", "=", code), ("active", "=", True)], limit=1)
        if not provider:
            return None
        return (
            provider.id,
            provider.company_id.id,
            provider.webhook_secret or "",
            provider.provider_type,
        )

    @api.model
    def _coka_route_call(self, company_id, request):
        """Answer a routing request (SPEC PBX-7).

        :param int company_id: the provider's company
        :param dict request: ``call_id``, ``hotline``, ``from``
        :return: the JSON answer
        """
        answer = self.env["coka.pbx.hotline"]._coka_route_number(
            company_id, phone.to_e164(request["hotline"]), phone.to_e164(request["from"]) or None
        )
        if answer is None:
            raise cdr.UnknownTargetError(f"unknown hotline {request['hotline']}")
        return {"call_id": request["call_id"], **answer}
