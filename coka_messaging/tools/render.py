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
