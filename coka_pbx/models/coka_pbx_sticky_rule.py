from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import ValidationError


class CokaPbxStickyRule(models.Model):
    """A customer number remembered for an extension of a hotline, "luật khách quen"
    (SPEC STK). Routing rings that extension first."""

    _name = "coka.pbx.sticky.rule"
    _inherit = ["coka.phone.mixin"]
    _description = "Sticky Rule"
    _coka_phone_strict = True
    _order = "last_call_date desc, id desc"
    _rec_name = "phone"

    hotline_id = fields.Many2one("coka.pbx.hotline", required=True, ondelete="cascade", index=True)
    phone = fields.Char(string="Phone Number", required=True, help="The number as typed.")
    phone_e164 = fields.Char(
        string="E.164 Number",
        compute="_compute_coka_phone_keys",
        store=True,
        precompute=True,
        help="Set from the phone number on save.",
    )
    extension_id = fields.Many2one(
        "coka.pbx.extension", required=True, ondelete="cascade", index=True
    )
    user_id = fields.Many2one(related="extension_id.user_id", string="Agent")
    source = fields.Selection(
        [("auto", "Remembered"), ("manual", "Manual"), ("import", "Imported")],
        required=True,
        default="manual",
        readonly=True,
    )
    last_call_date = fields.Datetime(string="Last Call", readonly=True)
    company_id = fields.Many2one(
        related="hotline_id.company_id", store=True, index=True, precompute=True
    )
    active = fields.Boolean(default=True)

    _sql_constraints = [
        (
            "hotline_phone_uniq",
            "unique(hotline_id, phone_e164)",
            "This number already has a rule on this hotline.",
        ),
    ]

    def _coka_phone_fields(self):
        return {"phone": "phone_e164"}

    @api.constrains("extension_id", "hotline_id")
    def _check_same_company(self):
        for rule in self:
            if rule.extension_id.company_id != rule.hotline_id.company_id:
                raise ValidationError(
                    self.env._("The extension and the hotline must belong to the same company.")
                )

    @api.model
    def _coka_upsert(self, hotline, valid):
        """Create or update imported rules in one statement per batch (SPEC STK-5, PERF-4).

        :param hotline: the ``coka.pbx.hotline``
        :param dict valid: E.164 -> ``(row, phone text, extension id)``
        :return: ``(created, updated)`` counts
        """
        # The statement below works on the table: write pending ORM changes of rules first,
        # or flushing them afterwards would overwrite what the import has just set.
        self.flush_model()
        created = updated = 0
        items = list(valid.items())
        uid = self.env.uid
        for start in range(0, len(items), 5000):
            batch = items[start : start + 5000]
            self.env.cr.execute(
                """
                INSERT INTO coka_pbx_sticky_rule (
                    hotline_id, company_id, phone, phone_e164, extension_id, source, active,
                    create_uid, write_uid, create_date, write_date)
                SELECT %s, %s, t.phone, t.e164, t.extension_id, 'import', true,
                       %s, %s, now() at time zone 'UTC', now() at time zone 'UTC'
                  FROM unnest(%s::varchar[], %s::varchar[], %s::int[])
                       AS t(phone, e164, extension_id)
                ON CONFLICT (hotline_id, phone_e164) DO UPDATE
                   SET extension_id = EXCLUDED.extension_id, phone = EXCLUDED.phone,
                       source = 'import', active = true,
                       write_uid = EXCLUDED.write_uid, write_date = EXCLUDED.write_date
                RETURNING (xmax = 0)
                """,
                [
                    hotline.id,
                    hotline.company_id.id,
                    uid,
                    uid,
                    [value[1] for _key, value in batch],
                    [key for key, _value in batch],
                    [value[2] for _key, value in batch],
                ],
            )
            inserted = [row[0] for row in self.env.cr.fetchall()]
            created += sum(inserted)
            updated += len(inserted) - sum(inserted)
        self.invalidate_model()
        return created, updated

    def action_coka_delete(self):
        """Delete the selected rules for good (SPEC STK-4): remembering starts afresh."""
        self.unlink()
        return {"type": "ir.actions.client", "tag": "soft_reload"}

    @api.model
    def _cron_archive_expired(self):
        """Archive the rules past their hotline's TTL (SPEC STK-6), one query per hotline."""
        now = fields.Datetime.now()
        hotlines = self.env["coka.pbx.hotline"].search([("sticky_ttl_days", ">", 0)])
        archived = 0
        for hotline in hotlines:
            limit = now - timedelta(days=hotline.sticky_ttl_days)
            rules = self.search(
                [
                    ("hotline_id", "=", hotline.id),
                    "|",
                    ("last_call_date", "<", limit),
                    "&",
                    ("last_call_date", "=", False),
                    ("write_date", "<", limit),
                ]
            )
            rules.active = False
            archived += len(rules)
        return archived
