from odoo import api, fields, models


class CokaPbxCall(models.Model):
    _inherit = "coka.pbx.call"

    lead_id = fields.Many2one("crm.lead", index=True, ondelete="set null")

    def _coka_note_targets(self):
        """The wrap-up note also goes on the lead's chatter (SPEC PBX-8)."""
        return super()._coka_note_targets() + list(self.lead_id)

    @api.model
    def _coka_linkable_fields(self):
        """An agent may also link his call to one of his leads."""
        return super()._coka_linkable_fields() + ["lead_id"]
