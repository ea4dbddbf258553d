from odoo.tests import tagged

from .common import CokaPbxCase


@tagged("post_install", "-at_install")
class TestRoundRobinSequence(CokaPbxCase):
    """Issue 9.5: a round-robin hotline turns with an ``ir.sequence`` it owns (standard
    implementation): Odoo creates the PostgreSQL sequence and drops it with the hotline."""

    def _pg_sequence_exists(self, name):
        self.env.flush_all()
        self.env.cr.execute("SELECT 1 FROM pg_class WHERE relkind = 'S' AND relname = %s", [name])
        return bool(self.env.cr.fetchone())

    def _route_first(self, hotline):
        answer = self.env["coka.pbx.hotline"]._coka_route_number(
            self.company.id, hotline.number_e164, None
        )
        return answer["targets"][0]["extension"]

    def test_sequence_exists_after_create_rotates_and_goes_with_the_hotline(self):
        hotline = self.env["coka.pbx.hotline"].create(
            {
                "number": "028 7300 7777",
                "ring_strategy": "round_robin",
                "ring_member_ids": [
                    (0, 0, {"extension_id": self.ext_1.id, "sequence": 1}),
                    (0, 0, {"extension_id": self.ext_2.id, "sequence": 2}),
                ],
            }
        )
        sequence = hotline.round_robin_sequence_id
        self.assertEqual(sequence.implementation, "standard")
        name = f"ir_sequence_{sequence.id:03d}"
        self.assertTrue(self._pg_sequence_exists(name))
        firsts = [self._route_first(hotline) for _i in range(4)]
        self.assertEqual(firsts, ["201", "202", "201", "202"])

        hotline.unlink()
        self.assertFalse(sequence.exists())
        self.assertFalse(self._pg_sequence_exists(name))

    def test_a_hotline_gets_its_sequence_when_it_becomes_round_robin(self):
        self.assertEqual(self.hotline.ring_strategy, "ring_all")
        self.assertFalse(self.hotline.round_robin_sequence_id)
        self.hotline.ring_strategy = "round_robin"
        sequence = self.hotline.round_robin_sequence_id
        self.assertTrue(self._pg_sequence_exists(f"ir_sequence_{sequence.id:03d}"))
        # Another strategy and back: the same sequence, the rotation goes on.
        self.hotline.ring_strategy = "sequential"
        self.hotline.ring_strategy = "round_robin"
        self.assertEqual(self.hotline.round_robin_sequence_id, sequence)

    def test_a_manager_makes_a_round_robin_hotline(self):
        hotline = (
            self.env["coka.pbx.hotline"]
            .with_user(self.manager)
            .create({"number": "028 7300 7778", "ring_strategy": "round_robin"})
        )
        self.assertTrue(hotline.sudo().round_robin_sequence_id)
        hotline.unlink()

    def test_module_update_gives_existing_round_robin_hotlines_their_sequence(self):
        # A hotline made before the field existed: round robin, no sequence.
        self.hotline.ring_strategy = "round_robin"
        sequence = self.hotline.round_robin_sequence_id
        self.hotline.round_robin_sequence_id = False
        sequence.unlink()
        self.hotline.ring_member_ids = [
            (0, 0, {"extension_id": self.ext_1.id, "sequence": 1}),
            (0, 0, {"extension_id": self.ext_2.id, "sequence": 2}),
        ]
        # Without a sequence the group does not turn (nothing is created behind the scenes).
        self.assertEqual([self._route_first(self.hotline) for _i in range(2)], ["201", "201"])
        self.env["coka.pbx.hotline"]._coka_ensure_round_robin_sequences()
        self.assertTrue(self.hotline.round_robin_sequence_id)
        self.assertEqual([self._route_first(self.hotline) for _i in range(2)], ["201", "202"])
        self.env["coka.pbx.hotline"]._coka_ensure_round_robin_sequences()
        self.assertEqual(
            self.env["ir.sequence"].search_count(
                [("id", "=", self.hotline.round_robin_sequence_id.id)]
            ),
            1,
        )

    def test_no_hand_made_sequence_is_left(self):
        self.hotline.ring_strategy = "round_robin"
        self.env.cr.execute(
            "SELECT relname FROM pg_class WHERE relkind = 'S' AND relname LIKE %s",
            ["coka_pbx_hotline_turn_%"],
        )
        self.assertEqual(self.env.cr.fetchall(), [])
