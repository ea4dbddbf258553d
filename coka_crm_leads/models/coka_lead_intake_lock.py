from odoo import fields, models


class CokaLeadIntakeLock(models.Model):
    """One row per company and mobile key posted to the intake API, written by every post of
    that number: the row lock that makes two posts of one number at once give one lead.

    An advisory lock would not do under Odoo's REPEATABLE READ transactions: the second post
    would wait for the first, then search with its older snapshot and miss the first post's
    lead. Writing this row instead makes PostgreSQL refuse the second post with a
    serialisation failure once the first commits, and Odoo's request handler runs it again
    (``odoo.service.model.retrying``) with a snapshot that sees the lead.
    """

    _name = "coka.lead.intake.lock"
    _description = "Lead Intake Lock"
    _log_access = False

    company_id = fields.Many2one("res.company", required=True, ondelete="cascade")
    mobile_key = fields.Char(required=True)
    last_intake = fields.Datetime()

    _sql_constraints = [
        (
            "company_mobile_uniq",
            "unique(company_id, mobile_key)",
            "One intake lock per company and mobile.",
        ),
    ]

    def _coka_take(self, company_id, mobile_key):
        """Write (or create) the row of ``(company_id, mobile_key)``; waits for a post of the
        same number in progress, and raises a serialisation failure when one committed since
        this transaction's snapshot (the request is then retried)."""
        self.env.cr.execute(
            """
            INSERT INTO coka_lead_intake_lock (company_id, mobile_key, last_intake)
            VALUES (%s, %s, now() AT TIME ZONE 'UTC')
            ON CONFLICT (company_id, mobile_key)
            DO UPDATE SET last_intake = EXCLUDED.last_intake
            """,
            [company_id, mobile_key],
        )
