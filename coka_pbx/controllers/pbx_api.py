"""Public HTTP API of the PBX (SPEC PBX-6, PBX-7, SEC-4, REL-1). Thin: every rule is in the
``coka.pbx.provider`` model and ``tools/``."""

from odoo import http
from odoo.http import request


class CokaPbxApi(http.Controller):
    # Both routes are read/write (``auth="none"`` routes default to read-only cursors, which
    # would go to a replica when one is configured): webhooks write calls, routing turns
    # the round-robin sequence.

    def _coka_handle(self, code, kind):
        # sudo: the PBX has no Odoo user; _coka_receive authenticates the request by its
        # HMAC signature and scopes everything to the provider's company.
        status, payload = (
            request.env["coka.pbx.provider"]
            .sudo()
            ._coka_receive(code, kind, request.httprequest.headers, request.httprequest.get_data())
        )
        return request.make_json_response(payload, status=status)

    @http.route(
        "/coka_pbx/webhook/<string:code>",
        type="http",
        auth="none",
        methods=["POST"],
        csrf=False,
        save_session=False,
        readonly=False,
    )
    def webhook(self, code, **_kwargs):
        return self._coka_handle(code, "webhook")

    @http.route(
        "/coka_pbx/route/<string:code>",
        type="http",
        auth="none",
        methods=["POST"],
        csrf=False,
        save_session=False,
        readonly=False,
    )
    def route(self, code, **_kwargs):
        return self._coka_handle(code, "route")
