from odoo import fields, models


class CokaPbxMemberAdd(models.TransientModel):
    """Give users a seat of the package (SPEC BIL-4)."""

    _name = "coka.pbx.member.add"
    _description = "Add Package Members"

    subscription_id = fields.Many2one("coka.pbx.subscription", required=True, readonly=True)
    company_id = fields.Many2one(related="subscription_id.company_id")
    member_ids = fields.Many2many(related="subscription_id.member_ids")
    free_seats = fields.Integer(related="subscription_id.free_seats")
    user_ids = fields.Many2many(
        "res.users",
        string="Users",
        required=True,
        domain="[('share', '=', False), ('company_ids', 'in', company_id), "
        "('id', 'not in', member_ids)]",
    )

    def action_confirm(self):
        self.ensure_one()
        for user in self.user_ids:
            self.subscription_id._add_member(user)
        return True
