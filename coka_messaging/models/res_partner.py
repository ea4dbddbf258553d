from odoo import api, fields, models


class ResPartner(models.Model):
    """The contact's SMS and ZNS messages on his form (SPEC CON-6)."""

    _inherit = "res.partner"

    coka_message_ids = fields.One2many("coka.message", "partner_id", string="SMS / ZNS Messages")
    coka_message_count = fields.Integer(
        string="Message Count", compute="_compute_coka_message_count"
    )

    # What the user may read: an agent counts his own.
    @api.depends_context("uid")
    def _compute_coka_message_count(self):
        # One grouped query for the whole recordset (the list of contacts), none per contact.
        counts = {}
        if self.ids:
            counts = dict(
                self.env["coka.message"]._read_group(
                    [("partner_id", "in", self.ids)], ["partner_id"], ["__count"]
                )
            )
        for partner in self:
            partner.coka_message_count = counts.get(partner, 0)

    def action_coka_view_messages(self):
        """The SMS and ZNS messages sent to the contact."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("coka_messaging.coka_message_action")
        action["domain"] = [("partner_id", "=", self.id)]
        action["context"] = {"create": False}
        return action
