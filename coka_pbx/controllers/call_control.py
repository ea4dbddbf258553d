"""JSON routes of the agent's call panel (SPEC PBX-8). Thin: each calls one model method."""

from odoo import http
from odoo.http import request


class CokaPbxCallControl(http.Controller):
    @http.route("/coka_pbx/call/originate", type="json", auth="user")
    def originate(self, number, partner_id=None):
        partner = request.env["res.partner"].browse(partner_id) if partner_id else None
        call = request.env["coka.pbx.call"]._coka_originate(number, partner=partner)
        return call._coka_panel_data()

    @http.route("/coka_pbx/call/<int:call_id>/control", type="json", auth="user")
    def control(self, call_id, action, argument=None):
        call = request.env["coka.pbx.call"].browse(call_id)
        call._coka_control(action, argument)
        return call._coka_panel_data()

    @http.route("/coka_pbx/call/<int:call_id>/note", type="json", auth="user")
    def note(self, call_id, note):
        call = request.env["coka.pbx.call"].browse(call_id)
        call._coka_save_note(note)
        return call._coka_panel_data()

    @http.route("/coka_pbx/call/<int:call_id>/link", type="json", auth="user")
    def link(self, call_id, **links):
        call = request.env["coka.pbx.call"].browse(call_id)
        call._coka_link(links)
        return call._coka_panel_data()
