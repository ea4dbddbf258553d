from odoo import fields, models


class CokaLeadIntakeLock(models.Model):
    """One row per company and key (a mobile key, or a funnel name) of the intake API,
    written by every post of that key: the row lock that makes two posts of one number at once
    give one lead (and two posts of one new funnel one ``utm.source``).

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
    lock_key = fields.Char(required=True)
    last_intake = fields.Datetime()

    _sql_constraints = [
        (
            "company_key_uniq",
            "unique(company_id, lock_key)",
            "One intake lock per company and key.",
        ),
    ]

    def _coka_take(self, company_id, lock_key):
        """Write (or create) the row of ``(company_id, lock_key)``; waits for a post of the
        same key in progress, and raises a serialisation failure when one committed since
        this transaction's snapshot (the request is then retried). Not logged as a bad query:
        it is expected."""
        self.env.cr.execute(
            """
            INSERT INTO coka_lead_intake_lock (company_id, lock_key, last_intake)
            VALUES (%s, %s, now() AT TIME ZONE 'UTC')
            ON CONFLICT (company_id, lock_key)
            DO UPDATE SET last_intake = EXCLUDED.last_intake
            """,
            [company_id, lock_key],
            log_exceptions=False,
        )
