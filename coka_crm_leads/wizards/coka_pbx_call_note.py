from odoo import fields, models


class CokaPbxCallNote(models.TransientModel):
    _inherit = "coka.pbx.call.note"

    lead_id = fields.Many2one("crm.lead")
