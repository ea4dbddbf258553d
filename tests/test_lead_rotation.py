"""Pure tests of the round-robin rule of lead assignment (LEAD-2) in
coka_crm_leads/tools/rotation.py (no database)."""

import random
from collections import Counter

from odoo.addons.coka_crm_leads.tools.rotation import pick_round_robin


def _picks(candidates, pointer, count, remaining=None):
    return pick_round_robin(candidates, pointer, remaining or {}, [()] * count)


def test_starts_after_the_pointer_and_wraps_around():
    assert _picks([3, 5, 8], None, 4) == ([3, 5, 8, 3], 3)
    assert _picks([3, 5, 8], 5, 2) == ([8, 3], 3)
    assert _picks([3, 5, 8], 8, 1) == ([3], 3)


def test_a_pointer_that_is_no_longer_a_candidate_keeps_its_place():
    # Agent 6 went OFF after getting the last lead: the next is the one after him.
    assert _picks([3, 5, 8], 6, 2) == ([8, 3], 3)
    assert _picks([3, 5, 8], 99, 1) == ([3], 3)


def test_capacity_skips_and_runs_out():
    picks, pointer = _picks([1, 2, 3], None, 6, remaining={1: 1, 2: 0})
    assert picks == [1, 3, 3, 3, 3, 3]
    assert pointer == 3
    picks, pointer = _picks([1, 2], 1, 3, remaining={1: 1, 2: 1})
    assert picks == [2, 1, None]
    assert pointer == 1


def test_nobody_leaves_the_pointer_unchanged():
    assert _picks([], 7, 2) == ([None, None], 7)
    assert _picks([1, 2], 2, 1, remaining={1: 0, 2: 0}) == ([None], 2)


def test_excluded_agent_is_skipped_for_that_lead_only():
    picks, pointer = pick_round_robin([1, 2, 3], 0, {}, [{1}, (), {3}, {1, 2, 3}])
    assert picks == [2, 3, 1, None]
    assert pointer == 1


def test_spread_stays_within_one_over_any_batches():
    rng = random.Random(11)
    candidates = sorted(rng.sample(range(1, 500), 20))
    pointer, counts = None, Counter()
    for _batch in range(300):
        picks, pointer = _picks(candidates, pointer, rng.randint(1, 37))
        counts.update(picks)
        assert max(counts[c] for c in candidates) - min(counts[c] for c in candidates) <= 1
    assert set(counts) == set(candidates)


def test_the_callers_capacity_is_not_modified():
    remaining = {1: 1}
    pick_round_robin([1, 2], None, remaining, [(), ()])
    assert remaining == {1: 1}
