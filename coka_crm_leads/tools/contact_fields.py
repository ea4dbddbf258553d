"""Pure helpers of the custom contact fields (SPEC CON-2): technical names and options.

No ORM here: the model ``coka.contact.field`` calls these to turn what an administrator
typed (a label such as "Ngày sinh", one option a line) into Odoo identifiers.
"""

import re
import unicodedata

PREFIX = "x_coka_"
# ir.model.fields names are at most 63 characters (PostgreSQL identifiers).
MAX_NAME = 63
_NOT_WORD = re.compile(r"[^a-z0-9]+")


def slug(text, fallback="field"):
    """``"Ngày sinh"`` → ``"ngay_sinh"``: ASCII letters, digits and underscores only.

    Vietnamese diacritics are dropped (đ → d); an empty result gives ``fallback``.
    """
    text = (text or "").replace("đ", "d").replace("Đ", "D")
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    text = _NOT_WORD.sub("_", text.lower()).strip("_")
    return text or fallback


def unique(candidate, taken, limit=MAX_NAME):
    """``candidate`` cut to ``limit`` characters, with ``_2``, ``_3``… until not in ``taken``."""
    name = candidate[:limit]
    number = 2
    while name in taken:
        suffix = f"_{number}"
        name = candidate[: limit - len(suffix)] + suffix
        number += 1
    return name


def field_name(label, taken):
    """The ``x_coka_…`` technical name for a label, not one of ``taken``."""
    return unique(PREFIX + slug(label), taken)


def parse_options(text):
    """The options of a selection, one a line: stripped, blank lines and repeats dropped."""
    options = []
    for line in (text or "").splitlines():
        line = line.strip()
        if line and line not in options:
            options.append(line)
    return options


def option_values(options, existing):
    """``[(value, label)]`` for ``options``: an option already known (``existing`` maps label
    to value) keeps its value, so the contacts holding it keep it; a new one gets a fresh slug."""
    taken = set(existing.values())
    pairs = []
    for label in options:
        value = existing.get(label)
        if value is None:
            value = unique(slug(label, fallback="option"), taken, limit=100)
            taken.add(value)
        pairs.append((value, label))
    return pairs
