"""The template of the contact import (SPEC CON-3). Thin: the file is built by
``coka.contact.import.job._coka_template``."""

from odoo import http
from odoo.http import request

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class CokaContactImportFiles(http.Controller):
    @http.route("/coka_crm_leads/contact_import/template", type="http", auth="user")
    def template(self):
        # Only those who may import (Managers, Administrators) get it.
        request.env["coka.contact.import"].check_access("create")
        data = request.env["coka.contact.import.job"]._coka_template()
        return request.make_response(
            data,
            headers=[
                ("Content-Type", XLSX),
                ("Content-Disposition", http.content_disposition("contacts_template.xlsx")),
            ],
        )
