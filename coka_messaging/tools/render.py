"""Template keywords (SPEC MSG-1): ``{{customer_name}}`` style placeholders."""

import re

KEYWORD_RE = re.compile(r"\{\{\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*\}\}")


def keywords(body):
    """Return the keywords of ``body`` in order of first appearance, without repeats.

    :param str body: template text
    :return: list of keyword names
    """
    seen = []
    for name in KEYWORD_RE.findall(body or ""):
        if name not in seen:
            seen.append(name)
    return seen


def render(body, values):
    """Replace every keyword of ``body`` by its value.

    :param str body: template text
    :param dict values: keyword name -> text
    :return: the rendered text
    :raise KeyError: naming the first keyword that has no value
    """
    missing = [name for name in keywords(body) if values.get(name) in (None, "")]
    if missing:
        raise KeyError(missing[0])
    return KEYWORD_RE.sub(lambda match: str(values[match.group(1)]), body or "")


def preview(body, values):
    """Like :func:`render`, but a keyword without a value stays ``{{keyword}}`` (the
    preview of a message whose typed keywords are not filled in yet)."""

    def value(match):
        text = values.get(match.group(1))
        return match.group(0) if text in (None, "") else str(text)

    return KEYWORD_RE.sub(value, body or "")


def missing(body, values):
    """The keywords of ``body`` that have no value in ``values``, in order."""
    return [name for name in keywords(body) if values.get(name) in (None, "")]


def too_long(values, max_lengths):
    """The parameters longer than their maximum length (Zalo ZNS).

    :param dict values: keyword name -> text
    :param dict max_lengths: keyword name -> maximum length (0 or missing: no limit)
    :return: list of ``(name, length, maximum)`` in the order of ``max_lengths``
    """
    over = []
    for name, maximum in max_lengths.items():
        length = len(str(values.get(name) or ""))
        if maximum and length > maximum:
            over.append((name, length, maximum))
    return over


def template_data(body, values):
    """The ZNS ``template_data``: each keyword of ``body`` with its value as text."""
    return {name: str(values.get(name) or "") for name in keywords(body)}


# Keywords mapped to a contact's field when a template first lists them; others are typed.
DEFAULT_FIELDS = {
    "customer_name": "name",
    "name": "name",
    "ten_khach_hang": "name",
    "phone": "mobile",
    "mobile": "mobile",
    "email": "email",
    "agent_name": "user.name",
}

# What Zalo's template status means for the template's state.
ZNS_STATUS_STATES = {
    "ENABLE": "approved",
    "PENDING_REVIEW": "pending",
    "REJECT": "rejected",
    "DISABLE": "draft",
    "DELETE": "draft",
}
