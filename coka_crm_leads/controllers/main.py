"""Lead intake API (SPEC LEAD-1). Thin: the body rules are in ``tools/intake.py``, the work in
``crm.lead._coka_intake_request``."""

from odoo import SUPERUSER_ID, http
from odoo.http import request


class CokaLeadIntake(http.Controller):
    @http.route(
        "/coka_crm/lead",
        type="http",
        auth="none",
        methods=["POST"],
        csrf=False,
        save_session=False,
        readonly=False,
    )
    def lead(self, **_kwargs):
        # Superuser: the client has no Odoo user; the bearer token authenticates the request
        # and the lead is created in the token's company only.
        status, payload = request.env(user=SUPERUSER_ID)["crm.lead"]._coka_intake_request(
            request.httprequest.headers.get("Authorization"), request.httprequest.get_data()
        )
        return request.make_json_response(payload, status=status)
