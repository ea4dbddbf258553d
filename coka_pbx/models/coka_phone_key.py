from odoo import fields, models


class CokaPhoneKey(models.Model):
    """One E.164 key of one record of a model that inherits ``coka.phone.mixin`` with
    ``_coka_phone_lookup`` (SPEC PBX-4).

    The lookup table of the number search: a record with a phone and a mobile has two rows, so
    finding a record by number is one equality on ``key`` whatever field holds it, without a
    join: the record's company and active flag are copied here. Rows are written by the mixin
    in plain SQL (create; write of a number field, ``company_id`` or ``active``; unlink).
    """

    _name = "coka.phone.key"
    _description = "Phone Key"
    _log_access = False
    _order = "id"

    key = fields.Char(required=True, readonly=True, help="The E.164 number, e.g. +84912345678.")
    res_model = fields.Char(string="Model", required=True, readonly=True)
    res_id = fields.Many2oneReference(
        string="Record ID", model_field="res_model", required=True, readonly=True, index=True
    )
    company_id = fields.Many2one("res.company", readonly=True)
    active = fields.Boolean(readonly=True, default=True)

    _sql_constraints = [
        # Its index, on (key, res_model, res_id), is the one the number search probes.
        ("key_record_uniq", "unique(key, res_model, res_id)", "This key is already recorded."),
    ]
