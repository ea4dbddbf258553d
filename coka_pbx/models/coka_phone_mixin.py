from odoo import api, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL

from ..tools import phone


class CokaPhoneMixin(models.AbstractModel):
    """E.164 keys of a model's number fields and the search by number (SPEC PBX-4).

    In the shape of ``mail.thread.phone``: a model inherits this mixin, names its number fields
    and the stored key field of each in :meth:`_coka_phone_fields`, and declares each key field
    as ``fields.Char(compute="_compute_coka_phone_keys", store=True, precompute=True)`` (with
    ``index=True`` when it searches or constrains on it). The mixin computes the keys with
    ``tools.phone.to_e164``, checks the numbers when the model is ``_coka_phone_strict``, and
    offers :meth:`_coka_search_phone`.

    With ``_coka_phone_lookup``, the keys of every record are also kept in ``coka.phone.key``
    (one row per distinct key of a record, with its company and active flag), so that a search
    by number is one equality on one indexed column of one table, however many number fields
    the model has.
    """

    _name = "coka.phone.mixin"
    _description = "Phone Keys Mixin"
    # A number field that is set must hold a valid number (ValidationError otherwise).
    _coka_phone_strict = False
    # Keep the keys in coka.phone.key for _coka_search_phone (models with several numbers).
    _coka_phone_lookup = False

    def _coka_phone_fields(self):
        """The number fields of the model and the key field of each.

        :return: ``{number field: key field}``, e.g. ``{"mobile": "coka_mobile_e164"}``
        """
        return {}

    @api.depends(lambda self: list(self._coka_phone_fields()))
    def _compute_coka_phone_keys(self):
        pairs = self._coka_phone_fields().items()
        for record in self:
            for number_field, key_field in pairs:
                record[key_field] = phone.to_e164(record[number_field])

    @api.constrains(lambda self: list(self._coka_phone_fields()) if self._coka_phone_strict else [])
    def _check_coka_phone_numbers(self):
        for record in self:
            for number_field, key_field in record._coka_phone_fields().items():
                if record[number_field] and not record[key_field]:
                    raise ValidationError(
                        self.env._(
                            "%(field)s: %(number)s is not a valid phone number.",
                            field=record._fields[number_field]._description_string(self.env),
                            number=record[number_field],
                        )
                    )

    # The lookup table ------------------------------------------------------------------

    def _coka_phone_copied_fields(self):
        """The fields of the model copied to its ``coka.phone.key`` rows."""
        return [name for name in ("company_id", "active") if name in self._fields]

    def init(self):
        result = super().init()
        if self._coka_phone_lookup and not self._abstract:
            self.pool.post_init(self._coka_phone_fill_keys)
        return result

    def _coka_phone_fill_keys(self):
        """Fill ``coka.phone.key`` from the stored keys when it has no row of this model: the
        module installed on a database that holds records already, or upgraded from a version
        without the table. Runs once every model is set up (``init``)."""
        self.env.cr.execute(
            "SELECT EXISTS (SELECT 1 FROM coka_phone_key WHERE res_model = %s)", [self._name]
        )
        if self.env.cr.fetchone()[0]:
            return
        key_fields = list(self._coka_phone_fields().values())
        self.flush_model(key_fields)  # computes the keys of existing records first
        copied = self._coka_phone_copied_fields()
        for key_field in key_fields:
            self.env.cr.execute(
                SQL(
                    """
                    INSERT INTO coka_phone_key (key, res_model, res_id, company_id, active)
                    SELECT %(key)s, %(model)s, id, %(company)s, %(active)s
                      FROM %(table)s WHERE %(key)s IS NOT NULL
                    ON CONFLICT DO NOTHING
                    """,
                    key=SQL.identifier(key_field),
                    model=self._name,
                    company=SQL.identifier("company_id") if "company_id" in copied else SQL("NULL"),
                    active=SQL.identifier("active") if "active" in copied else SQL("true"),
                    table=SQL.identifier(self._table),
                )
            )

    def _coka_phone_write_keys(self, created=False):
        """Replace the ``coka.phone.key`` rows of these records by their current keys.

        :param bool created: the records are new (they have no rows yet)
        """
        key_fields = list(self._coka_phone_fields().values())
        copied = self._coka_phone_copied_fields()
        rows = {}
        for record in self:
            company_id = (record.company_id.id or None) if "company_id" in copied else None
            active = record.active if "active" in copied else True
            for key_field in key_fields:
                if record[key_field]:
                    rows[(record[key_field], record.id)] = (company_id, active)
        if not created:
            self._coka_phone_delete_keys(self.ids)
        if rows:
            self.env.cr.execute(
                """
                INSERT INTO coka_phone_key (key, res_model, res_id, company_id, active)
                SELECT t.key, %s, t.res_id, t.company_id, t.active
                  FROM unnest(%s::varchar[], %s::int[], %s::int[], %s::bool[])
                       AS t(key, res_id, company_id, active)
                """,
                [
                    self._name,
                    [key for key, _id in rows],
                    [res_id for _key, res_id in rows],
                    [company_id for company_id, _active in rows.values()],
                    [active for _company_id, active in rows.values()],
                ],
            )
        self.env["coka.phone.key"].invalidate_model()

    def _coka_phone_delete_keys(self, ids):
        self.env.cr.execute(
            "DELETE FROM coka_phone_key WHERE res_model = %s AND res_id = ANY(%s)",
            [self._name, list(ids)],
        )
        self.env["coka.phone.key"].invalidate_model()

    def _add_precomputed_values(self, vals_list):
        """The keys of the records to create, from their numbers in the values (the keys are
        a pure function of the numbers): Odoo's precompute builds a new record per value
        dict to compute them, which is most of a bulk create's precompute (the contact
        import). Only for precomputed keys of number fields that are not computed
        themselves (a computed number, such as a lead's from its contact, is left to Odoo)."""
        pairs = [
            (number_field, key_field)
            for number_field, key_field in self._coka_phone_fields().items()
            if not self._fields[number_field].compute
            and self._fields[key_field].precompute
            and self._fields[key_field].compute == "_compute_coka_phone_keys"
        ]
        for vals in vals_list:
            for number_field, key_field in pairs:
                if key_field not in vals:
                    number = vals.get(number_field)
                    # As the compute reads it from the record: a Char field's text.
                    if number and not isinstance(number, str):
                        number = str(number)
                    vals[key_field] = phone.to_e164(number)
        return super()._add_precomputed_values(vals_list)

    @api.model_create_multi
    def create(self, vals_list):
        records = super().create(vals_list)
        if self._coka_phone_lookup:
            records._coka_phone_write_keys(created=True)
        return records

    def write(self, vals):
        result = super().write(vals)
        if self._coka_phone_lookup and not vals.keys().isdisjoint(
            [*self._coka_phone_fields(), *self._coka_phone_copied_fields()]
        ):
            self._coka_phone_write_keys()
        return result

    def unlink(self):
        ids = self.ids
        result = super().unlink()
        if self._coka_phone_lookup and ids:
            self._coka_phone_delete_keys(ids)
        return result

    # Search -----------------------------------------------------------------------------

    @api.model
    def _coka_phone_key_query(self, key, company=None, limit=None):
        """The statement on ``coka.phone.key`` that gives the ids (``res_id``) of the
        records of this model numbered ``key`` (E.164), oldest first; no access rules.

        Also run inside the webhook's statement that locks the call (PERF-2).

        :param company: only records shared or of this ``res.company``
        :param int limit: at most this many ids
        """
        conditions = [SQL("key = %s", key), SQL("res_model = %s", self._name)]
        if self.env.context.get("active_test", True):
            conditions.append(SQL("active"))
        if company:
            conditions.append(SQL("(company_id IS NULL OR company_id = %s)", company.id))
        return SQL(
            "SELECT res_id FROM coka_phone_key WHERE %s ORDER BY res_id %s",
            SQL(" AND ").join(conditions),
            SQL("LIMIT %s", limit) if limit else SQL(),
        )

    @api.model
    def _coka_search_phone(self, number, limit=None, company=None):
        """Return the records with ``number`` in one of their number fields (SPEC PBX-4).

        With the lookup table: one statement on ``coka.phone.key``, an equality on its indexed
        ``key`` (archived records only with ``active_test=False``), then the records the user
        may read. Without it: an ORM search, equality on the key field(s). Never ``ilike``.

        :param str number: a number in any usual form
        :param int limit: at most this many records (the oldest first)
        :param company: only records shared or of this ``res.company`` (models with a
            ``company_id``)
        :return: recordset, empty when the number is invalid
        """
        key = phone.to_e164(number)
        if not key:
            return self.browse()
        with_company = company and "company_id" in self._fields
        if not self._coka_phone_lookup:
            key_fields = list(self._coka_phone_fields().values())
            domain = ["|"] * (len(key_fields) - 1) + [(name, "=", key) for name in key_fields]
            if with_company:
                domain = [*domain, ("company_id", "in", (False, company.id))]
            return self.search(domain, limit=limit, order="id")
        # One statement on the lookup table: an equality on its indexed key (the unique index
        # on key, res_model, res_id), the copied company and active flag filtered there. The
        # keys are the records' own numbers; the records found are then filtered by the
        # user's access rules (a superuser environment skips that step).
        rows = self.env.execute_query(
            self._coka_phone_key_query(
                key,
                company if with_company else None,
                limit if limit and self.env.su else None,
            )
        )
        records = self.browse([res_id for (res_id,) in rows])
        if self.env.su:
            return records
        return records._filtered_access("read")[:limit]

    @api.model
    def _coka_phone_owners(self, keys):
        """The oldest record holding each of these E.164 keys, in one statement on the lookup
        table (models with ``_coka_phone_lookup``): for bulk work such as an import, which
        checks thousands of numbers at once. Archived records only with
        ``active_test=False``; not filtered by the user's access rules.

        :param keys: E.164 keys
        :return: ``{key: record id}`` for the keys found
        """
        if not keys:
            return {}
        if not self._coka_phone_lookup:
            raise NotImplementedError("_coka_phone_owners needs _coka_phone_lookup")
        rows = self.env.execute_query(
            SQL(
                "SELECT key, min(res_id) FROM coka_phone_key"
                " WHERE res_model = %s AND key = ANY(%s) %s GROUP BY key",
                self._name,
                list(keys),
                SQL("AND active") if self.env.context.get("active_test", True) else SQL(),
            )
        )
        return dict(rows)
