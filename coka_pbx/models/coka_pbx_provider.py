from odoo import api, fields, models


class CokaPbxProvider(models.Model):
    """A PBX (the media plane) that Odoo talks to over HTTP (SPEC PBX-10)."""

    _name = "coka.pbx.provider"
    _description = "PBX Provider"
    _order = "name, id"

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
