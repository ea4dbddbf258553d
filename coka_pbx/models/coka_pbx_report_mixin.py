from odoo import api, models
from odoo.models import parse_read_group_spec
from odoo.osv import expression
from odoo.tools import SQL, drop_view_if_exists

from .coka_pbx_call_day import MISSED_WHILE_ON, WATERMARK_PARAM

# Formatted date groups of the reports (label, range, domain), by model, group, language,
# time zone and value; emptied past 10,000.
_DATE_GROUPS = {}


def _judged(domain):
    """A normalized domain as the AND of the formatted rows takes it: ``None`` when AND
    leaves it out (empty or true), ``False`` for the false domain, else the domain."""
    if not domain or domain == expression.TRUE_DOMAIN:
        return None
    return False if domain == expression.FALSE_DOMAIN else domain


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

    # The model with the same fields over one row per company, day and agent, read when a
    # query needs none of the fields it lacks.
    _coka_per_agent = None

    @api.model
    def _read_group(
        self, domain, groupby=(), aggregates=(), having=(), offset=0, limit=None, order=None
    ):
        if self._coka_per_agent and self._coka_fits_per_agent(
            domain, groupby, aggregates, having, order
        ):
            return self.env[self._coka_per_agent]._read_group(
                domain, groupby, aggregates, having, offset, limit, order
            )
        return super()._read_group(domain, groupby, aggregates, having, offset, limit, order)

    @api.model
    def _coka_fits_per_agent(self, domain, groupby, aggregates, having, order):
        """Whether the query reads none of the hotline, extension, direction and id (which
        the rows per company, day and agent do not have)."""
        names = [leaf[0] for leaf in domain or () if isinstance(leaf, (list, tuple))]
        names += list(groupby) + [spec for spec in aggregates if spec != "__count"]
        names += [leaf[0] for leaf in having or () if isinstance(leaf, (list, tuple))]
        names += [term.split()[0] for term in (order or "").split(",") if term.strip()]
        fields_used = {str(name).split(":")[0].split(".")[0] for name in names}
        return not fields_used & {"hotline_id", "extension_id", "direction", "id"}

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

    @api.model
    def _read_group_format_result(self, rows_dict, lazy_groupby):
        """Odoo's formatting of the grouped rows (labels, ranges and domains of the groups),
        done once per distinct value of a group: a pivot agent x day has 1,500 cells over 50
        agents and 30 days, and Odoo formats a day's label, range and domain (babel, time
        zones) for each cell. The rows get the same values as Odoo gives them."""
        if not lazy_groupby or any(
            self._fields[group.split(":")[0].split(".")[0]].type == "properties"
            for group in lazy_groupby
        ):
            return super()._read_group_format_result(rows_dict, lazy_groupby)
        true, false = expression.TRUE_DOMAIN, expression.FALSE_DOMAIN
        # The rows' domain is one list for all of them (read_group's): normalized once.
        bases = {}
        for row in rows_dict:
            if id(row["__domain"]) not in bases:
                base = row["__domain"]
                bases[id(base)] = (base, _judged(expression.normalize_domain(base)))
        groups = [self._coka_format_group(rows_dict, group) for group in lazy_groupby]
        # What expression.AND([domain, *extra]) gives, each part normalized already; a part
        # is one of a few shared lists, judged once.
        for index, row in enumerate(rows_dict):
            parts = [bases[id(row["__domain"])][1]]
            parts += [domains[keys[index]] for keys, domains in groups]
            if False in parts:
                row["__domain"] = false
                continue
            parts = [part for part in parts if part is not None]
            if parts:
                row["__domain"] = ["&"] * (len(parts) - 1) + [t for part in parts for t in part]
            else:
                row["__domain"] = true
        return None

    def _coka_format_group(self, rows_dict, group):
        """Format ``group`` of the rows with one call of Odoo's formatting for its distinct
        values.

        :return: ``(keys, domains)``: each row's key of the group, and per key the domain
            of the group (``None``: nothing to add, ``False``: the false domain)
        """
        field = self._fields[group.split(":")[0]]
        # A date group's label, range and domain depend on its value, the language and
        # the time zone only: kept between calls (the pivot's columns and cells).
        dated = field.type in ("date", "datetime")
        cache_key = (self._name, group, self.env.lang, self.env.context.get("tz"))
        distinct = {}
        missing = []
        keys = []
        for row in rows_dict:
            value = row[group]
            key = value.id if isinstance(value, models.BaseModel) else value
            keys.append(key)
            if key not in distinct:
                known = dated and _DATE_GROUPS.get((*cache_key, key))
                distinct[key] = known or {group: value, "__domain": []}
                if not known:
                    missing.append(key)
        # One call of Odoo's formatting for the distinct values (its language, time zone
        # and babel set-up once).
        if missing:
            if field.type == "many2one":
                # Their names alone, not every column of the records (and their partners').
                records = self.env[field.comodel_name].browse(key for key in missing if key)
                records.sudo().with_context(prefetch_fields=False).mapped("display_name")
            super()._read_group_format_result([distinct[key] for key in missing], [group])
            if dated:
                if len(_DATE_GROUPS) > 10000:
                    _DATE_GROUPS.clear()
                for key in missing:
                    _DATE_GROUPS[(*cache_key, key)] = distinct[key]
        true, false = expression.TRUE_DOMAIN, expression.FALSE_DOMAIN
        domains = {}
        for key, one in distinct.items():
            domain = one["__domain"]
            domains[key] = (
                None if not domain or domain == true else False if domain == false else domain
            )
        for row, key in zip(rows_dict, keys, strict=True):
            one = distinct[key]
            row[group] = one[group]
            if "__range" in one and group in one["__range"]:
                row.setdefault("__range", {})[group] = one["__range"][group]
        return keys, domains

    @api.model
    def _coka_watermark(self):
        """The UTC instant up to which ``coka.pbx.call.day`` counted (``False``: never)."""
        value = self.env["ir.config_parameter"].sudo().get_param(WATERMARK_PARAM)
        return value or False

    def _coka_rows_sql(self, per_agent=False):
        """The rows of the reports: the closed days from ``coka_pbx_call_day`` (or, with
        ``per_agent``, ``coka_pbx_call_user_day``: one row per company, day and agent, no
        hotline, extension nor direction) before the watermark, then each call of today
        (after it) from ``coka_pbx_call``. Ids are the day row's id * 2 and the call's
        id * 2 + 1. The watermark is written in the view as a constant (the job writes the
        views again when it moves it), so that PostgreSQL plans a past period without
        today's calls, and today's without the closed days."""
        if per_agent:
            days = SQL(
                """SELECT u.id * 2 AS id, u.date, u.company_id, NULL::int AS hotline_id,
                          u.user_id, NULL::int AS extension_id, NULL::varchar AS direction,
                          u.calls, u.answered, u.missed, u.inbound, u.outbound,
                          u.inbound_answered, u.inbound_missed, u.ring_seconds,
                          u.talk_seconds, u.answered_talk_seconds, u.cost, u.qa_sum,
                          u.qa_count, u.missed_while_on
                     FROM coka_pbx_call_user_day u
                    WHERE u.date < %s""",
                self._coka_watermark_sql(),
            )
        else:
            days = SQL(
                """SELECT d.id * 2 AS id, d.date, d.company_id, d.hotline_id, d.user_id,
                          d.extension_id, d.direction, d.calls, d.answered, d.missed,
                          CASE WHEN d.direction = 'inbound' THEN d.calls ELSE 0 END AS inbound,
                          CASE WHEN d.direction = 'outbound' THEN d.calls ELSE 0 END
                              AS outbound,
                          CASE WHEN d.direction = 'inbound' THEN d.answered ELSE 0 END
                              AS inbound_answered,
                          CASE WHEN d.direction = 'inbound' THEN d.missed ELSE 0 END
                              AS inbound_missed,
                          d.ring_seconds, d.talk_seconds, d.answered_talk_seconds, d.cost,
                          d.qa_sum, d.qa_count, d.missed_while_on
                     FROM coka_pbx_call_day d
                    WHERE d.date < %s""",
                self._coka_watermark_sql(),
            )
        return SQL(
            """%(days)s
            UNION ALL
               SELECT c.id * 2 + 1, c.start_date, c.company_id, c.hotline_id, c.user_id,
                      c.extension_id, c.direction, 1, (c.status = 'answered')::int,
                      (c.status = 'missed')::int, (c.direction = 'inbound')::int,
                      (c.direction = 'outbound')::int,
                      (c.direction = 'inbound' AND c.status = 'answered')::int,
                      (c.direction = 'inbound' AND c.status = 'missed')::int,
                      COALESCE(c.ring_seconds, 0), COALESCE(c.talk_seconds, 0),
                      CASE WHEN c.status = 'answered' THEN COALESCE(c.talk_seconds, 0)
                           ELSE 0 END,
                      COALESCE(c.cost, 0), COALESCE(c.qa_score, 0),
                      (c.qa_score IS NOT NULL)::int, %(missed_while_on)s::int
                 FROM coka_pbx_call c
                WHERE c.start_date >= %(watermark)s""",
            days=days,
            watermark=self._coka_watermark_sql(),
            missed_while_on=SQL(MISSED_WHILE_ON),
        )

    def _coka_watermark_sql(self):
        watermark = self._coka_watermark()
        if not watermark:
            return SQL("'-infinity'::timestamp")
        return SQL("%s::timestamp", watermark)

    def _coka_create_view(self, select, replace=False):
        """(Re)write the model's view as ``select`` (an ``SQL``): dropped and created at
        install and update (its columns may change), replaced by the report job."""
        if not replace:
            drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL(
                "CREATE OR REPLACE VIEW %s AS (%s)" if replace else "CREATE VIEW %s AS (%s)",
                SQL.identifier(self._table),
                select,
            )
        )
