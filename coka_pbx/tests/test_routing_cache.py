import json
import time
from unittest.mock import patch

from odoo.tests import tagged

from ..tools import signature
from .common import CokaPbxCase

HOTLINE_E164 = "+842873009999"


@tagged("post_install", "-at_install")
class TestRoutingCache(CokaPbxCase):
    """Issue 9.4: the per-worker routing caches are cleared when, and only when, a field
    that routing reads changes; after the change, so the next answer sees it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.hotline.ring_member_ids = [
            (0, 0, {"extension_id": ext.id, "sequence": seq})
            for seq, ext in enumerate((cls.ext_1, cls.ext_2))
        ]

    def _route(self, secret="s3cret"):
        raw = json.dumps({"call_id": "c-1", "hotline": "028 7300 9999", "from": "0912000111"})
        stamp = str(int(time.time()))
        headers = {
            "X-Coka-Timestamp": stamp,
            "X-Coka-Signature": signature.sign(secret, stamp, raw.encode()),
        }
        return (
            self.env["coka.pbx.provider"]
            .sudo()
            ._coka_receive("test-pbx", "route", headers, raw.encode())
        )

    def _cached_lookups_cost(self):
        """:return: the SQL statements of the hotline's and the provider's cached lookups"""
        before = self.env.cr.sql_log_count
        self.env["coka.pbx.hotline"]._coka_route_setup(self.company.id, HOTLINE_E164)
        self.env["coka.pbx.provider"]._coka_lookup("test-pbx")
        return self.env.cr.sql_log_count - before

    def _warm(self):
        """Fill both caches, then prove they answer without SQL."""
        self.env.flush_all()
        self._cached_lookups_cost()
        self.assertEqual(self._cached_lookups_cost(), 0)

    def _clears(self, write, probe=None):
        """:return: how many times ``write()`` cleared the caches; with ``probe``, the list
        of what ``probe()`` read at each clear instead"""
        registry = type(self.env.registry)
        calls = []
        original = registry.clear_cache

        def spy(registry_self, *names):
            calls.append(probe() if probe else names)
            return original(registry_self, *names)

        with patch.object(registry, "clear_cache", spy):
            write()
        return calls if probe else len(calls)

    def test_fields_routing_does_not_read_keep_the_caches(self):
        self._warm()
        writes = [
            lambda: self.hotline.write({"too_long_minutes": 3, "sequence": 4}),
            lambda: self.hotline.write({"sticky_auto_remember": False}),
            lambda: self.hotline.write({"is_default": True}),
            lambda: self.provider.write({"name": "Renamed PBX", "api_url": "http://pbx.test"}),
            lambda: self.provider.write({"api_key": "new-key"}),
        ]
        for write in writes:
            self.assertEqual(self._clears(write), 0)
        self.assertEqual(self._cached_lookups_cost(), 0)
        self.assertEqual(self._route()[0], 200)

    def test_a_routing_field_clears_once_and_the_next_answer_sees_it(self):
        self._warm()
        self.assertEqual(self._route()[1]["targets"][0]["timeout"], 20)
        self.assertEqual(self._clears(lambda: self.hotline.write({"ring_timeout": 9})), 1)
        self.assertEqual(self._route()[1]["targets"][0]["timeout"], 9)

        member_2 = self.hotline.ring_member_ids.filtered(lambda m: m.extension_id == self.ext_2)
        self.assertEqual(self._clears(lambda: member_2.write({"sequence": -1})), 1)
        answer = self._route()[1]
        self.assertEqual([t["extension"] for t in answer["targets"]], ["202", "201"])

        self.assertEqual(self._clears(lambda: member_2.unlink()), 1)
        self.assertEqual([t["extension"] for t in self._route()[1]["targets"]], ["201"])

        # Cleared after the write: a worker refilling the cache then reads the new secret.
        seen = self._clears(
            lambda: self.provider.write({"webhook_secret": "new"}),
            probe=lambda: self.provider.sudo().webhook_secret,
        )
        self.assertEqual(seen, ["new"])
        self.assertEqual(self._route()[0], 401)
        self.assertEqual(self._route(secret="new")[0], 200)

        self.assertEqual(self._clears(lambda: self.hotline.write({"number": "028 7300 9990"})), 1)
        self.assertEqual(self._route(secret="new")[0], 404)

    def test_a_new_hotline_replaces_a_cached_unknown(self):
        self.assertIsNone(
            self.env["coka.pbx.hotline"]._coka_route_setup(self.company.id, "+842873001122")
        )
        hotline = self.env["coka.pbx.hotline"].create({"number": "028 7300 1122"})
        setup = self.env["coka.pbx.hotline"]._coka_route_setup(self.company.id, "+842873001122")
        self.assertEqual(setup[0], hotline.id)
        hotline.unlink()
        self.assertIsNone(
            self.env["coka.pbx.hotline"]._coka_route_setup(self.company.id, "+842873001122")
        )

    def test_each_model_declares_the_fields_routing_reads(self):
        for model in ("coka.pbx.hotline", "coka.pbx.ring.member", "coka.pbx.provider"):
            Model = self.env[model]
            with self.subTest(model=model):
                self.assertIn(model, self.env["coka.pbx.routing.cache"]._inherit_children)
                self.assertTrue(Model._coka_routing_fields)
                self.assertLessEqual(Model._coka_routing_fields, set(Model._fields))
