from odoo import fields, models


class CokaPbxRingMember(models.Model):
    """One extension of a hotline's ordered ring group."""

    _name = "coka.pbx.ring.member"
    _description = "Ring Group Member"
    _order = "hotline_id, sequence, id"
    _inherit = ["coka.pbx.routing.cache"]
    # The ring group is part of the hotline's cached routing setup.
    _coka_routing_fields = frozenset({"hotline_id", "extension_id", "sequence"})

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
