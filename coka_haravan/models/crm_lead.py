from odoo import fields, models


class CrmLead(models.Model):
    _inherit = "crm.lead"

    coka_haravan_sync_state = fields.Selection(
        related="partner_id.coka_haravan_sync_state", string="Haravan Sync"
    )
    coka_haravan_sync_error = fields.Char(related="partner_id.coka_haravan_sync_error")
    coka_haravan_customer_ref = fields.Char(related="partner_id.coka_haravan_customer_ref")
    coka_haravan_customer_url = fields.Char(related="partner_id.coka_haravan_customer_url")

    def _coka_haravan_partners(self):
        """The leads' contacts, created from the leads that have none (Odoo's own
        ``_handle_partner_assignment``, as Convert does)."""
        self.filtered(lambda lead: not lead.partner_id)._handle_partner_assignment(
            create_missing=True
        )
        return self.partner_id

    def action_coka_haravan_sync(self):
        """The form's "Sync to Haravan": the lead's contact, now."""
        self.ensure_one()
        partner = self._coka_haravan_partners()
        return partner._coka_haravan_notify_result(partner._coka_haravan_sync())

    def action_coka_haravan_sync_selection(self):
        """The list's "Sync to Haravan": the selected leads' contacts, in the background."""
        return self._coka_haravan_partners().action_coka_haravan_sync_selection()
