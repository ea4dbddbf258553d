from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.models import INSERT_BATCH_SIZE, LOG_ACCESS_COLUMNS, SQL_DEFAULT
from odoo.tools import SQL, split_every

from odoo.addons.base.models.res_partner import Partner as BasePartner
from odoo.addons.coka_pbx.tools import phone as phone_tools

from ..tools import contact_import

# Set by the Call Center's Contacts action: the contacts created there are checked.
CALL_CENTER_CONTEXT = "coka_call_center_contact"
# Set by the contact import for one create() of a batch: the contacts' default values, read
# once for the batch instead of once per contact (``_add_missing_default_values``).
IMPORT_DEFAULTS = "coka_import_defaults"
# Odoo's stored computes of a contact the import gives in the values of its batch create
# (``ResPartner._coka_import_precompute``): the INSERT holds them, so the flush has nothing
# to UPDATE. The last two are precomputed (computed before the INSERT, not at the flush);
# the first three, which Odoo does not let be precomputed, are by the methods named here
# (base's), and their recompute at the flush is dropped while base's methods are those of
# the model (``ResPartner._coka_import_keep_given``).
IMPORT_GIVEN = {
    "complete_name": ("_compute_complete_name", "_get_complete_name"),
    "commercial_company_name": ("_compute_commercial_company_name",),
    "partner_share": ("_compute_partner_share",),
}
IMPORT_PRECOMPUTED = (*IMPORT_GIVEN, "email_normalized", "phone_sanitized")
# No value in the cache: what ``ResPartner._coka_import_cached`` gives for it, and what
# ``ResPartner._coka_import_fill_cache`` puts there for a field Odoo's _create leaves out.
NOT_CACHED = object()


class ResPartner(models.Model):
    # Odoo's phone blacklist mixin (as ``sms`` adds it): ``phone_blacklisted`` and the
    # blacklist state Odoo's SMS and marketing tools read (SPEC LEAD-4).
    _name = "res.partner"
    _inherit = ["res.partner", "mail.thread.phone", "coka.customer.mixin"]

    def _coka_caller_card(self, exclude_call=None):
        """The caller's card also lists his open leads (not won, not archived), those the
        agent may read, newest first, at most 5."""
        card = super()._coka_caller_card(exclude_call=exclude_call)
        Lead = self.env["crm.lead"]
        if not Lead.has_access("read"):
            return card
        leads = Lead.search(
            [
                ("partner_id", "child_of", self.commercial_partner_id.id),
                ("stage_id.is_won", "=", False),
            ],
            order="create_date desc, id desc",
            limit=5,
        )
        card["leads"] = [
            {"id": lead.id, "name": lead.name, "stage": lead.stage_id.name or ""} for lead in leads
        ]
        return card

    # Do Not Contact, Create deal / order / ticket (issue 11, items 4-5) ------------------

    def _coka_ticket_defaults(self):
        return {"default_partner_id": self.id}

    def _coka_order_partner(self):
        return self

    def action_coka_create_deal(self):
        """A new deal (opportunity) for this contact, in its form."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("New Deal"),
            "res_model": "crm.lead",
            "view_mode": "form",
            "target": "current",
            "context": {"default_type": "opportunity", "default_partner_id": self.id},
        }

    # The contact's timeline (SPEC CON-6): tickets and leads, counted for the whole list --

    coka_ticket_ids = fields.One2many("coka.ticket", "partner_id", string="Tickets")
    coka_ticket_count = fields.Integer(string="Ticket Count", compute="_compute_coka_ticket_count")
    coka_lead_ids = fields.One2many("crm.lead", "partner_id", string="Leads")
    coka_lead_count = fields.Integer(
        string="Lead Count",
        compute="_compute_coka_lead_count",
        help="The contact's leads and deals that you may read.",
    )

    def _coka_count_by_partner(self, model):
        """``{partner: count}`` of the records of ``model`` about these contacts that the user
        may read: one grouped query for the whole recordset, whatever its size."""
        if not self.ids:
            return {}
        return dict(
            self.env[model]._read_group(
                [("partner_id", "in", self.ids)], ["partner_id"], ["__count"]
            )
        )

    # What the user may read: an agent counts his own.
    @api.depends_context("uid")
    def _compute_coka_ticket_count(self):
        counts = self._coka_count_by_partner("coka.ticket")
        for partner in self:
            partner.coka_ticket_count = counts.get(partner, 0)

    # What the user may read: an agent counts his own.
    @api.depends_context("uid")
    def _compute_coka_lead_count(self):
        counts = self._coka_count_by_partner("crm.lead")
        for partner in self:
            partner.coka_lead_count = counts.get(partner, 0)

    def action_coka_view_tickets(self):
        """The contact's tickets; a new one there is about him."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("coka_crm_leads.coka_ticket_action")
        action["domain"] = [("partner_id", "=", self.id)]
        action["context"] = {"default_partner_id": self.id}
        return action

    def action_coka_view_leads(self):
        """The contact's leads and deals (those the user may read), in the Call Center's
        lists."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "coka_crm_leads.crm_lead_action_call_center"
        )
        action["domain"] = [("partner_id", "=", self.id)]
        action["context"] = {"default_partner_id": self.id, "default_type": "lead"}
        return action

    # Bulk creation (the contact import, SPEC CON-3) --------------------------------------

    # Computed before the INSERT (Odoo's precompute) instead of at the flush after it: a batch
    # create of contacts then has no recompute and no UPDATE of these columns. When the
    # values do not give them, Odoo computes them on a new record of the values, with its own
    # compute methods; the import gives them (``_coka_import_precompute``). The complete
    # name, commercial company name and shared flag cannot be precomputed (Odoo refuses:
    # they depend on the commercial entity and the users, which are not): the import gives
    # them too (``_coka_import_keep_given``).
    email_normalized = fields.Char(compute="_compute_email_normalized", store=True, precompute=True)
    phone_sanitized = fields.Char(compute="_compute_phone_sanitized", store=True, precompute=True)

    def _add_precomputed_values(self, vals_list):
        """For the import's batch (context :data:`IMPORT_DEFAULTS`), the fields of
        :data:`IMPORT_PRECOMPUTED` are set from the values: Odoo's precompute would build a
        new record per row to compute the precomputed ones."""
        if self.env.context.get(IMPORT_DEFAULTS) is not None:
            cache = {"number_fields": self._phone_get_number_fields()}
            for vals in vals_list:
                self._coka_import_precompute(vals, cache)
        return super()._add_precomputed_values(vals_list)

    def _coka_import_precompute(self, vals, cache):
        """Set in ``vals`` what Odoo's computes give a contact with these values, when it is
        a contact of its own (no parent, no company name, not a company, no user): its
        complete name is its name, it has no commercial company name, it is shared (no
        internal user), its e-mail normalised as Odoo's ``email_normalize`` does
        (``tools.contact_import.normalized_email``) and its number sanitised
        (:meth:`_coka_import_sanitized`). Any other contact is left to Odoo.
        ``cache`` holds the model's number fields and the countries by id."""
        if any(vals.get(name) for name in ("parent_id", "company_name", "is_company", "user_ids")):
            return
        name = vals.get("name")
        vals.setdefault("complete_name", (name if isinstance(name, str) else "").strip())
        vals.setdefault("commercial_company_name", False)
        vals.setdefault("partner_share", True)
        if "email_normalized" not in vals:
            vals["email_normalized"] = contact_import.normalized_email(vals.get("email"))
        if "phone_sanitized" not in vals:
            vals["phone_sanitized"] = self._coka_import_sanitized(vals, cache)

    def _coka_import_sanitized(self, vals, cache):
        """``phone_sanitized`` of a contact with these values, as ``mail.thread.phone``
        computes it: the first number (mobile, then phone) that Odoo's ``_phone_format``
        gives in E.164 for the values' country, else the company's. For a number in its
        display form (what the import writes) in the suite's region
        (:data:`phone_tools.DEFAULT_REGION`), that is the number's key, parsed once already
        by the import's check (the same phonenumbers parse and validity check); without a
        country, the key of an international number and nothing for a national one."""
        country_id = vals.get("country_id") or False
        if country_id not in cache:
            cache[country_id] = (
                self.env["res.country"].browse(country_id) or self.env.company.country_id
            )
        country = cache[country_id]
        for fname in cache["number_fields"]:
            number = vals.get(fname)
            if not number:
                continue
            key, display = phone_tools.to_e164_display(number)
            if display != number or country and country.code != phone_tools.DEFAULT_REGION:
                sanitized = self._phone_format(number=number, country=country)
            elif country:
                sanitized = key
            else:
                # No country: Odoo reads only international numbers (with their "+").
                sanitized = key if number.startswith("+") else False
            if sanitized:
                return sanitized
        return False

    def _coka_import_cached(self, *names):
        """``[(contact, value, ...)]``: the values of the fields ``names`` of these new
        contacts as ``_create`` left them in the cache (:data:`NOT_CACHED` for a value that
        is not there), read from the cache: reading the fields would compute what the
        import's create is about to keep, and costs several times more a value."""
        cache = self.env.cache
        fields_ = [self._fields[name] for name in names]
        return [
            (partner, *(cache.get(partner, f, NOT_CACHED) for f in fields_)) for partner in self
        ]

    def _coka_import_skip_images(self):
        """The resized copies of ``image_1920`` (stored related fields of ``image.mixin``)
        of these new contacts without an image: empty, as they are in the cache since the
        INSERT; their recompute (one attachment check per copy and contact) is dropped."""
        without_image = self.browse(
            partner.id for partner, image in self._coka_import_cached("image_1920") if not image
        )
        for field in self._fields.values():
            if field.store and field.related == "image_1920":
                self.env.remove_to_compute(field, without_image)

    def _coka_import_entity_in_insert(self):
        """Whether the import's INSERT may hold the commercial entity of its contacts of
        their own (:meth:`_create`): base's compute gives it (``_compute_commercial_partner``
        is not overridden) and no one2many field is its inverse (whose cache would have to
        follow)."""
        field = self._fields["commercial_partner_id"]
        model = type(self)
        return (
            model._compute_commercial_partner is BasePartner._compute_commercial_partner
            and not self.pool.field_inverses[field]
        )

    @api.model
    def _create(self, data_list):
        """For the import's batch (context :data:`IMPORT_DEFAULTS`): the contacts that are
        their own commercial entity (a company, or no parent) get their id from the table's
        sequence before the INSERT, which then holds the entity too (the contact's own id,
        as ``_compute_commercial_partner`` finds), and no UPDATE of every new row follows to
        write it (a second version of the row with all its index entries, as costly in
        PostgreSQL as the INSERT itself).

        When every contact of the batch is of its own, the batch is created by
        :meth:`_coka_import_bulk_create` (Odoo's ``_create`` with the cache filled a field at
        a time), else by Odoo's ``_create``. Either (the INSERT and the checks after it) runs
        with sequential scans off for this transaction, put back after it: PostgreSQL checks
        the entity's foreign key (res_partner to res_partner) for each new row with a plan it
        keeps for the transaction, made for the table's size at the first check; on a small
        table that plan reads the whole table, which the import makes bigger with every batch
        (20,000 new contacts took 11 s instead of 0.6 s)."""
        own = []
        if (
            self.env.context.get(IMPORT_DEFAULTS) is not None
            and self._coka_import_entity_in_insert()
        ):
            own = [data["stored"] for data in data_list if _coka_is_own_entity(data["stored"])]
        if not own:
            return super()._create(data_list)
        cr = self.env.cr
        cr.execute(
            SQL(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                self._table,
                len(own),
            )
        )
        for stored, (new_id,) in zip(own, cr.fetchall(), strict=True):
            stored["id"] = stored["commercial_partner_id"] = new_id
        cr.execute(
            "SELECT current_setting('enable_seqscan'), set_config('enable_seqscan', 'off', true)"
        )
        [(seqscan, _off)] = cr.fetchall()
        # On an error the transaction (or the savepoint) is rolled back, and the setting with it.
        if self._coka_import_bulk_create_ok(data_list):
            records = self._coka_import_bulk_create(data_list)
        else:
            records = super()._create(data_list)
        cr.execute(SQL("SELECT set_config('enable_seqscan', %s, true)", seqscan))
        return records

    def _coka_import_bulk_create_ok(self, data_list):
        """Whether :meth:`_coka_import_bulk_create` does for this batch what Odoo's
        ``_create`` does: every row has its id (reserved by :meth:`_create` for a contact of
        its own) and only column values (no x2many, properties or other non-column field),
        on a model without ``_inherits`` or parent store."""
        if self._inherits or self._parent_store:
            return False
        names = {name for data in data_list for name in data["stored"]}
        return all("id" in data["stored"] and not data["inherited"] for data in data_list) and all(
            self._fields[name].column_type and self._fields[name].type != "properties"
            for name in names
        )

    def _coka_import_bulk_create(self, data_list):
        """Odoo's ``_create`` for the import's batch (:meth:`_coka_import_bulk_create_ok`),
        with the new records' cache filled one field at a time for the whole batch
        (:meth:`_coka_import_fill_cache`) where Odoo's fills it one record and one field at
        a time (about eighty ``Cache.set`` calls a contact): the same INSERT, the same values
        in the cache, then Odoo's own steps after it (``modified``, constraints, access
        check; no parent store on such a model)."""
        cr = self.env.cr
        stored_list = [data["stored"] for data in data_list]
        names = sorted({name for stored in stored_list for name in stored})
        for stored_sublist in split_every(INSERT_BATCH_SIZE, stored_list):
            rows = [
                tuple(
                    self._fields[name].convert_to_column_insert(stored[name], self, stored)
                    if name in stored
                    else SQL_DEFAULT
                    for name in names
                )
                for stored in stored_sublist
            ]
            cr.execute(
                SQL(
                    "INSERT INTO %s (%s) VALUES %s",
                    SQL.identifier(self._table),
                    SQL(", ").join(map(SQL.identifier, names)),
                    SQL(", ").join(rows),
                )
            )
        # Binary values in their place in the cache (bin_size off), as Odoo's _create.
        records = self.browse([stored["id"] for stored in stored_list])
        cached = records.with_context(bin_size=False)
        for data, record in zip(data_list, cached, strict=True):
            data["record"] = record
        cached._coka_import_fill_cache(stored_list)
        protected = [(data["protected"], data["record"]) for data in data_list]
        with self.env.protecting(protected):
            records.modified(self._fields, create=True)
        records._validate_fields(name for stored in stored_list for name in stored)
        records.check_access("create")
        return records

    def _coka_import_fill_cache(self, stored_list):
        """Put these new records in the cache as Odoo's ``_create`` does, one field at a time
        (``Cache.update``): an empty x2many, a non-stored related field's empty value, and
        for a stored field that is not computed and not given, its empty value; the given
        values (``stored_list``, in the records' order) over them; then the inverse one2many
        of the given many2one values."""
        cache = self.env.cache
        always_given = {*LOG_ACCESS_COLUMNS, "id", "parent_path"}
        names = {name for stored in stored_list for name in stored}
        records = list(self)
        inverses = defaultdict(list)  # {(many2one field, value): ids}
        for field in self._fields.values():
            if field.type in ("one2many", "many2many"):
                cache.update(self, field, [()] * len(self))
                continue
            empty = NOT_CACHED
            if (field.related and not field.column_type) or (
                field.store and field.name not in always_given and not field.compute
            ):
                empty = field.convert_to_cache(None, self[:1])
            if field.name not in names:
                if empty is not NOT_CACHED:
                    cache.update(self, field, [empty] * len(self))
                continue
            ids, values, given = [], [], {}
            for stored, record in zip(stored_list, records, strict=True):
                if field.name in stored:
                    value = given[record.id] = field.convert_to_cache(stored[field.name], record)
                elif empty is NOT_CACHED:
                    continue
                else:
                    value = empty
                ids.append(record.id)
                values.append(value)
            cache.update(self.browse(ids), field, values)
            if field.type in ("many2one", "many2one_reference") and self.pool.field_inverses[field]:
                for record_id, value in given.items():
                    inverses[field, value].append(record_id)
        for (field, value), record_ids in inverses.items():
            field._update_inverses(self.browse(record_ids), value)

    def _coka_import_own_entity(self):
        """The commercial entity of these new contacts of their own (a company or no
        parent): written by the INSERT (:meth:`_create`) and in the cache since, so its
        recompute at the flush (the field is recursive: Odoo computed it one contact at a
        time, each with mail.thread's tracking step) is dropped. Left to Odoo when
        :meth:`_coka_import_entity_in_insert` says no."""
        if not self._coka_import_entity_in_insert():
            return
        field = self._fields["commercial_partner_id"]
        # The entity is in the cache, and the contact's own id, only where the INSERT wrote it.
        own = self.browse(
            partner.id
            for partner, entity in self._coka_import_cached(field.name)
            if entity == partner.id
        )
        if own:
            self.env.remove_to_compute(field, own)
            own._validate_fields([field.name])

    def _coka_import_keep_given(self):
        """Drop the flush's recompute of the fields of :data:`IMPORT_GIVEN` for these new
        contacts that hold what ``_coka_import_precompute`` gave (contacts of their own: no
        parent, company name, company flag or user; complete name = name, no commercial
        company name, shared), which is what base's compute methods give them. A field whose
        compute method (or helper) another module overrides is left to Odoo."""
        model = type(self)
        fields_ = [
            self._fields[name]
            for name, methods in IMPORT_GIVEN.items()
            if all(getattr(model, method) is getattr(BasePartner, method) for method in methods)
        ]
        if not fields_:
            return
        names = ("parent_id", "company_name", "is_company", "user_ids", "name")
        names += ("complete_name", "commercial_company_name", "partner_share")
        own = []
        # NOT_CACHED is true: a value not in the cache leaves the contact to Odoo.
        for partner, *values in self._coka_import_cached(*names):
            parent, company, is_company, users, name, complete, commercial, share = values
            if (
                not (parent or company or is_company or users or commercial)
                and complete == (name if isinstance(name, str) else "").strip()
                and share is True
            ):
                own.append(partner.id)
        own = self.browse(own)
        for field in fields_:
            self.env.remove_to_compute(field, own)

    # Contacts created from the Call Center (SPEC CON-1, CON-2) ---------------------------

    team_id = fields.Many2one(
        "crm.team",
        string="Sales Team",
        help="The department in charge of the contact.",
        tracking=True,
        index="btree_not_null",
    )
    coka_duplicate_id = fields.Many2one(
        "res.partner",
        string="Same Number As",
        compute="_compute_coka_duplicate_id",
        help="Another contact with this phone or mobile number.",
    )

    @api.depends("phone", "mobile")
    def _compute_coka_duplicate_id(self):
        for partner in self:
            partner.coka_duplicate_id = partner._coka_same_number(
                [partner.phone, partner.mobile], partner._origin.id
            )

    @api.model
    def _coka_same_number(self, numbers, exclude_id=None):
        """The first other contact holding one of ``numbers`` (any form), or no record."""
        for number in numbers:
            others = self._coka_search_phone(number, limit=2) if number else self.browse()
            others = others.filtered(lambda other: other.id != exclude_id)
            if others:
                return others[0]
        return self.browse()

    # Only the contact saved from the Call Center form is checked: the key is dropped for
    # what its save creates in turn (its addresses) and for a company quick-created by name.

    @api.model_create_multi
    def create(self, vals_list):
        if self.env.context.get(IMPORT_DEFAULTS) is not None:
            partners = super().create(vals_list)
            partners._coka_import_skip_images()
            partners._coka_import_own_entity()
            partners._coka_import_keep_given()
            return partners
        if not self.env.context.get(CALL_CENTER_CONTEXT):
            return super().create(vals_list)
        vals_list = [dict(vals) for vals in vals_list]
        for vals in vals_list:
            self._coka_check_call_center_contact(vals)
        unchecked = self.with_context(**{CALL_CENTER_CONTEXT: False})
        return super(ResPartner, unchecked).create(vals_list).with_env(self.env)

    def write(self, vals):
        if not self.env.context.get(CALL_CENTER_CONTEXT):
            return super().write(vals)
        for partner in self:
            partner._coka_check_call_center_contact(vals)
        return super(ResPartner, self.with_context(**{CALL_CENTER_CONTEXT: False})).write(vals)

    @api.model
    def default_get(self, fields_list):
        """From the Call Center, the Sales Team defaults to the user's own team."""
        defaults = super().default_get(fields_list)
        if (
            self.env.context.get(CALL_CENTER_CONTEXT)
            and "team_id" in fields_list
            and not defaults.get("team_id")
        ):
            defaults["team_id"] = self.env.user.sale_team_id.id or False
        return defaults

    @api.model
    def _add_missing_default_values(self, values):
        """The import's batch defaults (:data:`IMPORT_DEFAULTS`), when given, completed by
        ``values`` as Odoo's own method does; Odoo's (``default_get`` for every missing
        field, once per record) otherwise.

        The defaults are those of ``super()`` for an empty record, read once per batch in the
        same context: Odoo's ``default_get`` and its overrides never see the record's values
        (a default that must differ from one record to the next, such as a random token,
        would be shared by the batch: res.partner has none)."""
        defaults = self.env.context.get(IMPORT_DEFAULTS)
        if defaults is None:
            return super()._add_missing_default_values(values)
        return {**defaults, **values}

    @api.model
    def name_create(self, name):
        return super(ResPartner, self.with_context(**{CALL_CENTER_CONTEXT: False})).name_create(
            name
        )

    def _coka_check_call_center_contact(self, vals):
        """Check a contact saved from the Call Center (``vals`` of a create when ``self`` is
        empty, of a write of ``self`` otherwise) and normalise its numbers in ``vals``.

        Required there: full name, a phone or mobile number that is valid and not already
        another contact's, sales team, salesperson, and every required custom field. On a
        write, only what ``vals`` empties is refused. Elsewhere (the Contacts app, the PBX for
        unknown callers, imports) nothing of this applies: no NOT NULL column.
        """
        creating = not self
        missing = []
        labels = {
            "name": self.env._("Full Name"),
            "team_id": self.env._("Sales Team"),
            "user_id": self.env._("Salesperson"),
        }
        for name, label in labels.items():
            if (creating or name in vals) and _coka_is_empty(vals.get(name)):
                missing.append(label)
        numbers = {}
        for name in ("phone", "mobile"):
            numbers[name] = vals[name] if name in vals else (self[name] if self else False)
        if (creating or not vals.keys().isdisjoint(numbers)) and all(
            _coka_is_empty(number) for number in numbers.values()
        ):
            missing.append(self.env._("Phone or Mobile"))
        for field in self.env["coka.contact.field"].sudo().search([("required", "=", True)]):
            name = field.field_id.name
            if name and (creating or name in vals) and _coka_is_empty(vals.get(name)):
                missing.append(field.name)
        if missing:
            raise ValidationError(self.env._("Fill in the required fields: %s", ", ".join(missing)))
        for name in ("phone", "mobile"):
            if name not in vals or _coka_is_empty(vals[name]):
                continue
            number = vals[name]
            if not phone_tools.to_e164(number):
                raise ValidationError(self.env._("%s is not a valid phone number.", number))
            other = self._coka_same_number([number], self.id)
            if other:
                raise ValidationError(
                    self.env._(
                        "%(number)s is already the number of %(contact)s: open that contact "
                        "instead of creating a second one.",
                        number=number,
                        contact=other.display_name,
                    )
                )
            vals[name] = phone_tools.to_display(number)


def _coka_is_own_entity(stored):
    """Whether a new contact of these stored values is its own commercial entity, as
    ``_compute_commercial_partner`` decides: a company, or no parent."""
    return bool(stored.get("is_company") or not stored.get("parent_id"))


def _coka_is_empty(value):
    """No value: not given, False or blank text (0 is a value)."""
    if value is None or value is False:
        return True
    return isinstance(value, str) and not value.strip()
