"""Phone number keys (SPEC PBX-4).

The one place of the suite where phone numbers are parsed. Plain functions, no ORM:
models store the key computed here and search by equality on it.
"""

import functools

import phonenumbers

DEFAULT_REGION = "VN"


@functools.lru_cache(maxsize=4096)
def _parse_e164(text, region):
    # A pure function of its text: memoised, since hotlines and busy callers repeat.
    try:
        parsed = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        return False
    if not phonenumbers.is_valid_number(parsed):
        return False
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def to_e164(number, region=DEFAULT_REGION):
    """Return the E.164 key of ``number`` or ``False`` when it is not a valid number.

    ``0912 345 678``, ``84912345678``, ``+84 912 345 678`` and ``(091) 2345678`` all give
    ``+84912345678``. Nothing raises: empty, junk or impossible numbers give ``False``.

    :param str number: the number as typed
    :param str region: ISO country used for numbers without a country code
    :return: the E.164 string, or ``False``
    """
    if not number or not isinstance(number, str):
        return False
    text = number.strip()
    if not text:
        return False
    digits = "".join(ch for ch in text if ch.isdigit())
    # "84912..." typed without the plus: a national number never starts with the
    # country code, so read it as international.
    if not text.startswith("+") and region == DEFAULT_REGION and digits.startswith("84"):
        if len(digits) >= 10 and not digits.startswith("840"):
            text = "+" + digits
    return _parse_e164(text, region)


def to_display(number, region=DEFAULT_REGION):
    """Return the national display form (``0912 345 678``) or the number as typed.

    :param str number: the number as typed or an E.164 key
    :param str region: ISO country used for numbers without a country code
    :return: a string for people to read
    """
    e164 = to_e164(number, region)
    if not e164:
        return number or ""
    parsed = phonenumbers.parse(e164, None)
    if phonenumbers.region_code_for_number(parsed) == region:
        return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.NATIONAL)
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def is_mobile(number, region=DEFAULT_REGION):
    """Tell whether ``number`` is a valid mobile number.

    :param str number: the number as typed or an E.164 key
    :return: bool
    """
    e164 = to_e164(number, region)
    if not e164:
        return False
    kind = phonenumbers.number_type(phonenumbers.parse(e164, None))
    return kind in (
        phonenumbers.PhoneNumberType.MOBILE,
        phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
    )
