from odoo import api, fields, models


class CokaPbxRingMember(models.Model):
    """One extension of a hotline's ordered ring group."""

    _name = "coka.pbx.ring.member"
    _description = "Ring Group Member"
    _order = "hotline_id, sequence, id"

    sequence = fields.Integer(default=10)
    hotline_id = fields.Many2one("coka.pbx.hotline", required=True, ondelete="cascade", index=True)
    extension_id = fields.Many2one("coka.pbx.extension", required=True, ondelete="cascade")
    user_id = fields.Many2one(related="extension_id.user_id")
    company_id = fields.Many2one(related="hotline_id.company_id", store=True)

    _sql_constraints = [
        (
            "hotline_extension_uniq",
            "unique(hotline_id, extension_id)",
            "An extension can be in a ring group only once.",
        ),
    ]

    # The ring group is part of the hotline's cached routing setup.

    @api.model_create_multi
    def create(self, vals_list):
        members = super().create(vals_list)
        self.env.registry.clear_cache()  # coka.pbx.hotline._coka_route_setup
        return members

    def write(self, vals):
        result = super().write(vals)
        self.env.registry.clear_cache()  # coka.pbx.hotline._coka_route_setup
        return result

    def unlink(self):
        result = super().unlink()
        self.env.registry.clear_cache()  # coka.pbx.hotline._coka_route_setup
        return result
