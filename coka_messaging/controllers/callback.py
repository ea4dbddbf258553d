"""Delivery callbacks of the messaging providers (SPEC MSG-3, REL-1). Thin: every rule is
in ``coka.message.provider._coka_receive_callback`` and ``tools/``."""

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
