"""The round-robin rule of lead assignment (SPEC LEAD-2), without the ORM."""


def pick_round_robin(candidates, pointer, remaining, excluded):
    """Pick an agent for each lead of a batch, in turn after the last one picked.

    The rotation follows ``candidates`` (ordered ids): the first pick is the first candidate
    after ``pointer`` (the id of the last agent picked, wrapping around; any id, even one that
    is no longer a candidate, keeps its place in the order), each next pick the following
    candidate. A candidate without remaining capacity, or excluded for that lead, is skipped.
    Over any run of picks with the same candidates, no candidate gets more than one pick more
    than another unless his capacity or an exclusion stopped him.

    :param list candidates: ids of the eligible agents, ascending
    :param pointer: id of the last agent picked, or ``None``/``0`` to start at the first
    :param dict remaining: id -> number of leads he may still receive; ``None`` or a missing
        id means unlimited
    :param list excluded: one collection of ids per lead, not to be picked for that lead
        (e.g. its previous agent); its length is the number of picks
    :return: ``(picks, pointer)``: one id or ``None`` (nobody left) per lead, and the new
        pointer (unchanged when nobody was picked)
    """
    remaining = dict(remaining or {})
    count = len(candidates)
    start = 0
    if pointer:
        start = next((i for i, cid in enumerate(candidates) if cid > pointer), 0)
    picks = []
    for skip in excluded:
        pick = None
        for offset in range(count):
            index = (start + offset) % count
            cid = candidates[index]
            left = remaining.get(cid)
            if cid in skip or (left is not None and left <= 0):
                continue
            pick = cid
            if left is not None:
                remaining[cid] = left - 1
            start = index + 1
            pointer = cid
            break
        picks.append(pick)
    return picks, pointer
