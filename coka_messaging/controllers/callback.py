"""Delivery callbacks of the messaging providers (SPEC MSG-3, MSG-4, REL-1). Thin: every
rule is in ``coka.message.provider._coka_receive_callback`` / ``_coka_receive_report`` and
``tools/``."""

import time

from odoo import http
from odoo.http import request


class CokaMessagingCallback(http.Controller):
    @http.route(
        "/coka_messaging/callback/<string:provider>",
        type="http",
        auth="none",
        methods=["POST"],
        csrf=False,
        save_session=False,
        readonly=False,
    )
    def callback(self, provider, **_kwargs):
        # sudo: the provider has no Odoo user; the request is authenticated by its HMAC
        # signature and touches only the provider's own messages.
        status, payload = (
            request.env["coka.message.provider"]
            .sudo()
            ._coka_receive_callback(
                provider, request.httprequest.headers, request.httprequest.get_data(), time.time()
            )
        )
        return request.make_json_response(payload, status=status)

    @http.route(
        "/coka_messaging/callback/<string:provider>/report/<string:ref>/<string:token>",
        type="http",
        auth="none",
        methods=["GET", "POST"],
        csrf=False,
        save_session=False,
        readonly=False,
    )
    def report(self, provider, ref, token, **_kwargs):
        """The delivery report of one message at its own URL (eSMS ``CallbackUrl``, an
        unsigned GET): authenticated by the token of the URL."""
        # The query and form parameters, text only (a file upload is no report).
        params = {
            name: value
            for source in (request.httprequest.args, request.httprequest.form)
            for name, value in source.items()
        }
        # sudo: the provider has no Odoo user; the token names the one message touched.
        status, payload = (
            request.env["coka.message.provider"]
            .sudo()
            ._coka_receive_report(provider, ref, token, params)
        )
        return request.make_json_response(payload, status=status)
