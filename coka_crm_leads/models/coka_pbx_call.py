from odoo import fields, models


class CokaPbxCall(models.Model):
    _inherit = "coka.pbx.call"

    lead_id = fields.Many2one("crm.lead", index=True, ondelete="set null")
