from odoo import fields, models


class CokaPbxCallNote(models.TransientModel):
    """The wrap-up of a call from its form: the note and the contact it is linked to.

    Agents cannot write calls: saving goes through ``coka.pbx.call._coka_link`` and
    ``_coka_save_note``, which check that the call is theirs (SPEC PBX-8).
    """

    _name = "coka.pbx.call.note"
    _description = "Save Call Note"

    call_id = fields.Many2one("coka.pbx.call", required=True, ondelete="cascade")
    note = fields.Text()
    partner_id = fields.Many2one("res.partner", string="Customer")

    def action_save(self):
        """Save the links that changed, then the note."""
        self.ensure_one()
        call = self.call_id
        links = {
            name: self[name].id
            for name in call._coka_linkable_fields()
            if name in self._fields and self[name] != call[name]
        }
        if links:
            call._coka_link(links)
        call._coka_save_note(self.note)
        return {"type": "ir.actions.act_window_close"}
