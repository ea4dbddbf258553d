"""Phone number keys (SPEC PBX-4).

The one place of the suite where phone numbers are parsed. Plain functions, no ORM:
models store the key computed here and search by equality on it.
"""

import phonenumbers

DEFAULT_REGION = "VN"


# Parsed numbers by (text, region): hotlines and busy callers repeat, and an import checks,
# displays and stores each of its numbers (three entries a number: as typed, key, display
# form; an import batch of 1,000 rows needs about 3,000, which must outlive the batch).
# Emptied when full.
_PARSED = {}
_PARSED_SIZE = 32768


def _parse_key_display(text, region):
    """``(E.164 key, display form)`` of ``text`` from one parse, ``(False, None)`` when not
    a valid number; memoised, also under the key and the display form (both read back as
    the same number: a contact stores the display form, its key is computed from it)."""
    found = _PARSED.get((text, region))
    if found is not None:
        return found
    result = _parse(text, region)
    if len(_PARSED) >= _PARSED_SIZE:
        _PARSED.clear()
    _PARSED[text, region] = result
    if result[0]:
        _PARSED.setdefault((result[0], region), result)
        _PARSED.setdefault((result[1], region), result)
    return result


_COUNTRY_CODE = phonenumbers.country_code_for_region(DEFAULT_REGION)


def _parse_national(text, region):
    """The number of ``text`` when it is a national number of the suite's region written
    as 0 and nine or ten ASCII digits (separators allowed: space, dot, dash), without
    ``phonenumbers.parse()``, which reads such a text as the digits after the 0 (the
    national prefix: no number of the region starts with 0, and nine or ten digits are
    possible lengths there); ``None`` for any other text, left to phonenumbers (bulk work,
    the contact import: the parse is a third of the cost of a number; the same results are
    tested over every start of such numbers)."""
    if region != DEFAULT_REGION:
        return None
    digits = text.replace(" ", "").replace(".", "").replace("-", "")
    if not (digits.isascii() and digits.isdigit() and len(digits) in (10, 11)):
        return None
    if digits[0] != "0" or digits[1] == "0":
        return None  # "00" starts an international number
    return phonenumbers.PhoneNumber(country_code=_COUNTRY_CODE, national_number=int(digits[1:]))


def _parse(text, region):
    parsed = _parse_national(text, region)
    if parsed is None:
        try:
            parsed = phonenumbers.parse(text, region)
        except phonenumbers.NumberParseException:
            return False, None
    if not phonenumbers.is_valid_number(parsed):
        return False, None
    key = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
    # As to_display() shows the key: no extension (the key has none).
    parsed.extension = None
    if phonenumbers.region_code_for_number(parsed) == region:
        return key, phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.NATIONAL)
    return key, phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def _key_text(number, region):
    """The text to parse for ``number``'s key, or ``None`` when it cannot be a number."""
    if not number or not isinstance(number, str):
        return None
    text = number.strip()
    if not text:
        return None
    digits = "".join(filter(str.isdigit, text))
    # "84912..." typed without the plus: a national number never starts with the
    # country code, so read it as international.
    if not text.startswith("+") and region == DEFAULT_REGION and digits.startswith("84"):
        if len(digits) >= 10 and not digits.startswith("840"):
            text = "+" + digits
    return text


def to_e164(number, region=DEFAULT_REGION):
    """Return the E.164 key of ``number`` or ``False`` when it is not a valid number.

    ``0912 345 678``, ``84912345678``, ``+84 912 345 678`` and ``(091) 2345678`` all give
    ``+84912345678``. Nothing raises: empty, junk or impossible numbers give ``False``.

    :param str number: the number as typed
    :param str region: ISO country used for numbers without a country code
    :return: the E.164 string, or ``False``
    """
    text = _key_text(number, region)
    if text is None:
        return False
    return _parse_key_display(text, region)[0]


def to_e164_display(number, region=DEFAULT_REGION):
    """Return ``(to_e164(number), to_display(number))`` from one parse of the number: for
    bulk work (the contact import) that needs both of every number.

    :param str number: the number as typed
    :param str region: ISO country used for numbers without a country code
    :return: ``(E.164 key, display form)``, or ``(False, number or "")`` when not valid
    """
    text = _key_text(number, region)
    key, display = _parse_key_display(text, region) if text is not None else (False, None)
    if not key:
        return False, number or ""
    return key, display


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
