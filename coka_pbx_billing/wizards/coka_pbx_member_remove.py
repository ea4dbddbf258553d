from odoo import fields, models


class CokaPbxMemberRemove(models.TransientModel):
    """Free seats: the users' extensions are archived, their calls kept (SPEC BIL-4)."""

    _name = "coka.pbx.member.remove"
    _description = "Remove Package Members"

    subscription_id = fields.Many2one("coka.pbx.subscription", required=True, readonly=True)
    member_ids = fields.Many2many(related="subscription_id.member_ids", string="Current Members")
    user_ids = fields.Many2many(
        "res.users", string="Members to Remove", required=True, domain="[('id', 'in', member_ids)]"
    )

    def action_confirm(self):
        self.ensure_one()
        for user in self.user_ids:
            self.subscription_id._remove_member(user)
        return True
