"""Sticky-rule files (SPEC STK-5): the .xlsx template and the export of a hotline's list."""

from odoo import http
from odoo.http import request

from ..tools import sticky_import

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class CokaPbxStickyFiles(http.Controller):
    def _xlsx(self, data, filename):
        return request.make_response(
            data,
            headers=[
                ("Content-Type", XLSX),
                ("Content-Disposition", http.content_disposition(filename)),
            ],
        )

    @http.route("/coka_pbx/sticky/template", type="http", auth="user")
    def template(self):
        return self._xlsx(sticky_import.template([("0912 345 678", "101")]), "sticky_rules.xlsx")

    @http.route("/coka_pbx/sticky/export/<int:hotline_id>", type="http", auth="user")
    def export(self, hotline_id):
        hotline = request.env["coka.pbx.hotline"].browse(hotline_id)
        return self._xlsx(hotline._coka_sticky_export(), f"sticky_rules_{hotline_id}.xlsx")
