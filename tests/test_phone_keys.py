"""Pure tests of the one phone normaliser (SPEC PBX-4): no database."""

import random

import pytest

from odoo.addons.coka_pbx.tools import phone


@pytest.mark.parametrize(
    "typed",
    ["0912345678", "0912 345 678", "84912345678", "+84 912 345 678", "(091) 2345678", "912345678"],
)
def test_mobile_forms_share_one_key(typed):
    assert phone.to_e164(typed) == "+84912345678"


@pytest.mark.parametrize(
    ("typed", "key"),
    [
        ("028 3822 1234", "+842838221234"),
        ("024 3825 6789", "+842438256789"),
        ("+84 28 3822 1234", "+842838221234"),
        ("1900 6750", "+8419006750"),
        ("0842 345 678", "+84842345678"),
    ],
)
def test_landlines_and_service_numbers(typed, key):
    assert phone.to_e164(typed) == key


@pytest.mark.parametrize("junk", [None, "", "   ", "abc", "123", "0000000000", 912345678, "+"])
def test_invalid_numbers_give_false_and_never_raise(junk):
    assert phone.to_e164(junk) is False


def test_display_form_is_national_for_vietnam():
    assert phone.to_display("+84912345678") == "0912 345 678"
    assert phone.to_display("not a number") == "not a number"
    assert phone.to_display("+33 1 42 68 53 00").startswith("+33")


@pytest.mark.parametrize(
    "typed",
    [
        "0912345678",
        "84912345678",
        "+84 912 345 678",
        "028 3822 1234",
        "1900 6750",
        "+33 1 42 68 53 00",
        "0912 345 678 ext. 12",
        "abc",
        "",
        None,
        912345678,
    ],
)
def test_key_and_display_from_one_parse_are_to_e164_and_to_display(typed):
    assert phone.to_e164_display(typed) == (phone.to_e164(typed), phone.to_display(typed))


@pytest.mark.parametrize("typed", ["0912345678", "028 3822 1234", "+33 1 42 68 53 00"])
def test_display_form_and_key_read_back_as_the_same_number(typed):
    """The memo stores a number under its key and display form too: both must parse back
    to the same key and display form (a contact stores the display form)."""
    key, display = phone.to_e164_display(typed)
    phone._PARSED.clear()
    assert phone.to_e164_display(display) == (key, display)
    phone._PARSED.clear()
    assert phone.to_e164_display(key) == (key, display)


def _national_texts():
    """Every 0 + three-digit start, ten and eleven digits long, with seeded random tails,
    and the same with separators; plus texts around the shortcut's edges."""
    rnd = random.Random(84)
    texts = []
    for start in range(1000):
        for length in (10, 11):
            digits = f"0{start:03d}" + "".join(rnd.choice("0123456789") for _ in range(length - 4))
            texts += [digits, f"{digits[:4]} {digits[4:7]} {digits[7:]}", digits.replace("9", ".9")]
    texts += ["0912-345-678", "0 912345678", "00912345678", "０９１２３４５６７８", "091234567"]
    texts += ["091234567890", "0912345678 ", "0912 345 678 ext. 12", "01234567890"]
    return texts


def test_national_shortcut_gives_what_phonenumbers_parse_gives(monkeypatch):
    """The national numbers read without phonenumbers.parse() give the same key and display
    form as through it, valid or not."""
    texts = _national_texts()
    with_shortcut = [phone._parse(text, "VN") for text in texts]
    shortcut_taken = sum(phone._parse_national(text, "VN") is not None for text in texts)
    monkeypatch.setattr(phone, "_parse_national", lambda text, region: None)
    without = [phone._parse(text, "VN") for text in texts]
    assert with_shortcut == without
    assert shortcut_taken > len(texts) / 4, "the shortcut is taken for most national numbers"
    assert sum(bool(key) for key, _display in without) > 1000, "valid numbers among them"
