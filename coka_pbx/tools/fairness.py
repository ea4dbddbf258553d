"""Pure rules of the fairness report: each agent's ON time in a period and the shares."""


def on_seconds(initial_status, changes, start, end):
    """Seconds the agent was ON between ``start`` and ``end``.

    :param str initial_status: ``"on"`` or ``"off"``, the status at ``start``
    :param changes: ``(datetime, status)`` changes inside the period, in date order
    :param start: the period's first instant (naive UTC datetime)
    :param end: the period's end (excluded)
    """
    total = 0.0
    status, since = initial_status, start
    for when, new_status in changes:
        when = min(max(when, start), end)
        if status == "on":
            total += (when - since).total_seconds()
        status, since = new_status, when
    if status == "on":
        total += (end - since).total_seconds()
    return total


def shares(values):
    """Each value's share of their total, in percent (0 each when the total is 0).

    :param dict values: key -> number
    :return: dict key -> percent rounded to 0.1
    """
    total = sum(values.values())
    return {key: round(100.0 * value / total, 1) if total else 0.0 for key, value in values.items()}
