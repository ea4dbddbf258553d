"""The sticky-agent rule, "luật khách quen" (SPEC STK-1..STK-3, STK-6). No ORM.

The call-completion path asks :func:`decide` what a finished call does to the hotline's rule
for the customer's number, and routing asks :func:`routes` whether a rule still applies.
"""

from datetime import timedelta

MODES = ("first", "last", "stop")
PINNED_SOURCES = ("manual", "import")

# What decide() answers.
CREATE = "create"  # no rule yet (or only an archived one): remember this agent
MOVE = "move"  # the rule follows this call's agent (mode "last")
TOUCH = "touch"  # keep the rule's agent, note the call (it keeps the rule alive, STK-6)


def is_rememberable(direction, status, answered_by_extension, remember_unanswered_outbound):
    """Does this finished call count for the rule at all (SPEC STK-2)?

    :param str direction: ``inbound``, ``outbound`` or ``internal``
    :param str status: the call's final status
    :param bool answered_by_extension: an extension of the company took or made the call
    :param bool remember_unanswered_outbound: the hotline's option
    :return: bool
    """
    if not answered_by_extension:
        return False
    if direction == "inbound":
        return status == "answered"
    if direction == "outbound":
        return status == "answered" or remember_unanswered_outbound
    return False


def decide(mode, auto_remember, rule, extension_id):
    """What a rememberable call does to the rule of its number (SPEC STK-1, STK-3).

    :param str mode: the hotline's ``sticky_mode``
    :param bool auto_remember: the hotline's ``sticky_auto_remember``
    :param dict rule: the existing rule as ``{"extension_id", "source", "active"}``, or ``None``
    :param int extension_id: the extension of the call
    :return: :data:`CREATE`, :data:`MOVE`, :data:`TOUCH` or ``None`` (nothing to do)
    """
    if mode == "stop" or not auto_remember:
        return None
    if not rule or not rule.get("active", True):
        return CREATE
    if rule["source"] in PINNED_SOURCES or mode == "first":
        return TOUCH
    return TOUCH if rule["extension_id"] == extension_id else MOVE


def is_expired(last_date, ttl_days, now):
    """A rule older than the hotline's TTL does not route (SPEC STK-6; 0 = forever).

    :param datetime last_date: the rule's last call (or its last change when never called)
    :param int ttl_days: the hotline's ``sticky_ttl_days``
    :param datetime now: the current time
    :return: bool
    """
    if not ttl_days or not last_date:
        return False
    return last_date < now - timedelta(days=ttl_days)


def routes(mode, rule, ttl_days, now):
    """Does this rule put its agent first for a call now?

    :param str mode: the hotline's ``sticky_mode``
    :param dict rule: ``{"last_date": datetime}`` of the rule, or ``None``
    :param int ttl_days: the hotline's TTL in days
    :param datetime now: the current time
    :return: bool
    """
    if mode == "stop" or not rule:
        return False
    return not is_expired(rule["last_date"], ttl_days, now)
