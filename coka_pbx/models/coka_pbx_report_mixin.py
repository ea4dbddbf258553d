from odoo import models
from odoo.models import parse_read_group_spec
from odoo.tools import SQL

from .coka_pbx_call_day import MISSED_WHILE_ON, WATERMARK_PARAM


class CokaPbxReportMixin(models.AbstractModel):
    """What the call reports share (PERF-5): a row holds several calls (a closed day's
    count of ``coka.pbx.call.day``) or one (a call of today, read live), so the ORM's count
    is the sum of the calls column and an average is weighted by the calls it is over."""

    _name = "coka.pbx.report.mixin"
    _description = "Call Report Rows"

    # The column that counts the calls of a row.
    _coka_calls_column = "calls"
    # Averages: field -> (numerator column, denominator column, factor).
    _coka_weighted = {}

    def _read_group_select(self, aggregate_spec, query):
        if aggregate_spec == "__count":
            return SQL("COALESCE(SUM(%s), 0)", SQL.identifier(self._table, self._coka_calls_column))
        fname, _property, func = parse_read_group_spec(aggregate_spec)
        if func == "avg" and fname in self._coka_weighted:
            self.check_field_access_rights("read", [fname])
            numerator, denominator, factor = self._coka_weighted[fname]
            return SQL(
                "%s * SUM(%s) / NULLIF(SUM(%s), 0)",
                factor,
                SQL.identifier(self._table, numerator),
                SQL.identifier(self._table, denominator),
            )
        return super()._read_group_select(aggregate_spec, query)

    def _coka_rows_sql(self):
        """The rows of the reports: the closed days from ``coka_pbx_call_day`` (before the
        watermark), then each call of today (after it) from ``coka_pbx_call``. Ids are the
        day row's id * 2 and the call's id * 2 + 1."""
        watermark = SQL(
            """COALESCE((SELECT p.value::timestamp FROM ir_config_parameter p
                          WHERE p.key = %s), '-infinity'::timestamp)""",
            WATERMARK_PARAM,
        )
        return SQL(
            """SELECT d.id * 2 AS id, d.date, d.company_id, d.hotline_id, d.user_id,
                      d.extension_id, d.direction, d.calls, d.answered, d.missed,
                      d.ring_seconds, d.talk_seconds, d.answered_talk_seconds, d.cost,
                      d.qa_sum, d.qa_count, d.missed_while_on
                 FROM coka_pbx_call_day d
                WHERE d.date < %(watermark)s
            UNION ALL
               SELECT c.id * 2 + 1, c.start_date, c.company_id, c.hotline_id, c.user_id,
                      c.extension_id, c.direction, 1, (c.status = 'answered')::int,
                      (c.status = 'missed')::int, COALESCE(c.ring_seconds, 0),
                      COALESCE(c.talk_seconds, 0),
                      CASE WHEN c.status = 'answered' THEN COALESCE(c.talk_seconds, 0)
                           ELSE 0 END,
                      COALESCE(c.cost, 0), COALESCE(c.qa_score, 0),
                      (c.qa_score IS NOT NULL)::int, %(missed_while_on)s::int
                 FROM coka_pbx_call c
                WHERE c.start_date >= %(watermark)s""",
            watermark=watermark,
            missed_while_on=SQL(MISSED_WHILE_ON),
        )
