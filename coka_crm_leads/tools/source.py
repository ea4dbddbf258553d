"""The source of a contact made from a lead (SPEC CON-4): from the lead's funnel.

A plain function, no ORM: the funnel is the name of the lead's ``utm.source`` (the lead
intake API's ``funnel``, e.g. "Zalo", "Facebook Ads", "Landing page"); the answer is a key of
``res.partner.coka_source``.
"""

import re
import unicodedata

# Words of a funnel's name (lower case, without diacritics) and the source they mean, the
# first match wins: "Zalo Ads" is Zalo, "Facebook Messenger" Facebook, "Website chat" a
# landing page (the company's own web pages), "Hotline" a phone call.
RULES = (
    (("zalo",), "zalo"),
    (("facebook", "fb", "messenger", "instagram", "meta"), "facebook"),
    (("landing", "website", "web", "chat", "form", "ladipage"), "landing_page"),
    (("phone", "call", "hotline", "tong dai", "dien thoai"), "phone"),
    (("import",), "import"),
)
DEFAULT = "system"


def _words(text):
    """Lower case words of ``text`` without diacritics ("Điện thoại" -> "dien thoai")."""
    text = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    text = "".join(char for char in text if not unicodedata.combining(char)).lower()
    return " ".join(re.findall(r"[a-z0-9]+", text))


def contact_source(funnel):
    """The ``coka_source`` of a contact made from a lead of the funnel ``funnel``.

    :param str funnel: the name of the lead's utm source, or ``False``/``None``
    :return: ``"zalo"``, ``"facebook"``, ``"landing_page"``, ``"phone"``, ``"import"`` or
        ``"system"`` (no funnel, or one that says nothing of these)
    """
    if not funnel or not isinstance(funnel, str):
        return DEFAULT
    words = f" {_words(funnel)} "
    for keys, source in RULES:
        if any(f" {key} " in words for key in keys):
            return source
    # Glued names: "ZaloOA", "LandingPage2".
    glued = words.replace(" ", "")
    for keys, source in RULES:
        if any(len(key) > 3 and key.replace(" ", "") in glued for key in keys):
            return source
    return DEFAULT
