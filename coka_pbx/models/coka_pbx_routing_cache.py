from odoo import api, models


class CokaPbxRoutingCache(models.AbstractModel):
    """Records whose fields the public PBX API reads from per-worker caches
    (``coka.pbx.hotline._coka_route_setup``, ``coka.pbx.provider._coka_lookup``).

    A model inheriting it names the fields those caches read in ``_coka_routing_fields``.
    Creating or deleting a record, or writing one of those fields, clears the caches of every
    worker (the registry's ``default`` cache group), after the change; writing any other field
    (a name, a note, an API key used only when Odoo calls the PBX) keeps them.
    """

    _name = "coka.pbx.routing.cache"
    _description = "Cached by PBX Routing"

    # Fields read by the routing caches; a stored field computed from others lists them too.
    _coka_routing_fields = frozenset()

    @api.model
    def _coka_clear_routing_cache(self):
        """Clear the routing caches: here now, in the other workers when the transaction
        commits (the registry signals the change)."""
        self.env.registry.clear_cache()

    @api.model_create_multi
    def create(self, vals_list):
        records = super().create(vals_list)
        # Also a record nobody routes yet: the caches may hold "unknown" for its number.
        self._coka_clear_routing_cache()
        return records

    def write(self, vals):
        result = super().write(vals)
        if self and not self._coka_routing_fields.isdisjoint(vals):
            self._coka_clear_routing_cache()
        return result

    def unlink(self):
        had_records = bool(self)
        result = super().unlink()
        if had_records:
            self._coka_clear_routing_cache()
        return result
