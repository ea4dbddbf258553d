"""The recording of a call (SPEC REP-4): played in the call form, or downloaded. Thin: the
rules (who may, the downloaded flag, fetching from the provider) are the call's."""

from odoo import http
from odoo.exceptions import UserError
from odoo.http import request


class CokaPbxCallRecording(http.Controller):
    @http.route("/coka_pbx/call/<int:call_id>/recording", type="http", auth="user", readonly=False)
    def recording(self, call_id, download=None):
        call = request.env["coka.pbx.call"].browse(call_id).exists()
        if not call:
            raise request.not_found()
        download = download in ("1", "true")
        try:
            stream = call._coka_recording_stream(download=download)
        except UserError as error:
            raise request.not_found(error.args[0]) from None
        return stream.get_response(as_attachment=download)
