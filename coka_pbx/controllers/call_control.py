"""JSON routes of the agent's call panel (SPEC PBX-8). Thin: each calls one model method."""

from odoo import http
from odoo.http import request


class CokaPbxCallControl(http.Controller):
    @http.route("/coka_pbx/call/originate", type="json", auth="user")
    def originate(self, number, partner_id=None):
        partner = request.env["res.partner"].browse(partner_id) if partner_id else None
        call = request.env["coka.pbx.call"]._coka_originate(number, partner=partner)
        return call._coka_panel_data()

    @http.route("/coka_pbx/call/open", type="json", auth="user")
    def open_calls(self):
        """The agent's live calls and pending wrap-ups, for the panel after a reload."""
        return request.env["coka.pbx.call"]._coka_open_calls()

    @http.route("/coka_pbx/call/extensions", type="json", auth="user")
    def extensions(self):
        """The extensions the panel can transfer a call to."""
        return request.env["coka.pbx.extension"]._coka_transfer_targets()

    @http.route("/coka_pbx/call/<int:call_id>/control", type="json", auth="user")
    def control(self, call_id, action, argument=None):
        call = request.env["coka.pbx.call"].browse(call_id)
        call._coka_control(action, argument)
        return call._coka_panel_data()

    @http.route("/coka_pbx/call/<int:call_id>/note", type="json", auth="user")
    def note(self, call_id, note):
        call = request.env["coka.pbx.call"].browse(call_id)
        call._coka_save_note(note)
        call._coka_wrapped_up()
        return call._coka_panel_data()

    @http.route("/coka_pbx/call/<int:call_id>/link", type="json", auth="user")
    def link(self, call_id, **links):
        call = request.env["coka.pbx.call"].browse(call_id)
        call._coka_link(links)
        return call._coka_panel_data()

    @http.route("/coka_pbx/call/<int:call_id>/close_popup", type="json", auth="user")
    def close_popup(self, call_id):
        return request.env["coka.pbx.call"].browse(call_id)._coka_close_popup()

    @http.route("/coka_pbx/call/<int:call_id>/quick_create", type="json", auth="user")
    def quick_create(self, call_id, name, email=None, customer_type=None):
        call = request.env["coka.pbx.call"].browse(call_id)
        call._coka_quick_create_partner(
            {"name": name, "email": email, "customer_type": customer_type}
        )
        return call._coka_panel_data()
