"""The order in which extensions ring for an inbound call (SPEC PBX-7). No ORM.

Targets are plain dicts ``{"extension": "101", "timeout": 20, "reason": "group"}``.
"""

STRATEGIES = ("ring_all", "sequential", "round_robin", "longest_idle")


def order_group(members, strategy, turn=0):
    """Order the routable ring-group members of a hotline.

    :param list members: dicts with ``number`` (str), ``sequence`` (int) and ``idle_since``
        (sortable; ``None`` or ``False`` for never called), already without unroutable agents
    :param str strategy: one of :data:`STRATEGIES`
    :param int turn: for ``round_robin``, a counter that grows by one per call
    :return: list of extension numbers, each once
    """
    ordered = sorted(members, key=lambda member: (member["sequence"], member["number"]))
    if strategy == "round_robin" and ordered:
        start = turn % len(ordered)
        ordered = ordered[start:] + ordered[:start]
    elif strategy == "longest_idle":
        # Never called first, then the longest idle; ties keep the group order.
        ordered = sorted(
            ordered,
            key=lambda member: (1, member["idle_since"]) if member["idle_since"] else (0, 0),
        )
    numbers = []
    for member in ordered:
        if member["number"] not in numbers:
            numbers.append(member["number"])
    return numbers


def targets(sticky_number, group_numbers, timeout):
    """Build the routing answer's targets: the sticky agent first, then the group.

    :param str sticky_number: extension of the sticky agent, or ``None``
    :param list group_numbers: ordered extension numbers of the ring group
    :param int timeout: seconds each target rings
    :return: list of target dicts, without duplicates
    """
    result = []
    if sticky_number:
        result.append({"extension": sticky_number, "timeout": timeout, "reason": "sticky"})
    for number in group_numbers:
        if number != sticky_number:
            result.append({"extension": number, "timeout": timeout, "reason": "group"})
    return result
