"""What a contact becomes in Haravan, and back (SPEC HRV-2). Plain functions, no ORM."""

from odoo.addons.coka_pbx.tools import phone

ADMIN_DOMAIN = ".myharavan.com"


def split_name(full_name):
    """Split a Vietnamese full name into Haravan's ``(first_name, last_name)``.

    A Vietnamese name is written family name first: "Nguyễn Văn An" is the family name
    Nguyễn, the middle name Văn and the given name An. Haravan's ``first_name`` is the given
    name (Tên) and ``last_name`` the family and middle names (Họ), as its admin shows them.

    :param str full_name: the contact's name as typed
    :return: ``(first_name, last_name)``; a single word is the first name only
    """
    words = (full_name or "").split()
    if not words:
        return "", ""
    if len(words) == 1:
        return words[0], ""
    return words[-1], " ".join(words[:-1])


def haravan_phone(number):
    """The number as a Vietnamese shop stores it: ``0912345678`` for a Vietnamese number
    (whatever the format typed: ``+84 912 345 678``, ``84912345678``), E.164 for another
    country, ``False`` for an empty or invalid number."""
    e164 = phone.to_e164(number)
    if not e164:
        return False
    if e164.startswith("+84"):
        return "0" + e164[3:]
    return e164


def same_phone(left, right):
    """Do two numbers, in any format, reach the same line?"""
    key = phone.to_e164(left)
    return bool(key) and key == phone.to_e164(right)


def same_email(left, right):
    left = (left or "").strip().lower()
    return bool(left) and left == (right or "").strip().lower()


def shop_admin_url(shop, customer_ref):
    """The customer's page in the shop's admin: ``https://<shop>.myharavan.com/admin/
    customers/<id>``; ``False`` without a shop or an id.

    :param str shop: the shop as configured: ``myshop``, ``myshop.myharavan.com`` or a URL
    """
    if not shop or not customer_ref:
        return False
    host = shop.strip().lower()
    for prefix in ("https://", "http://"):
        host = host.removeprefix(prefix)
    host = host.split("/")[0]
    if not host:
        return False
    if "." not in host:
        host += ADMIN_DOMAIN
    return f"https://{host}/admin/customers/{customer_ref}"


def customer_payload(
    name, email, number, street=None, city=None, country_code=None, is_company=False
):
    """The body of ``POST /com/customers.json`` for a contact.

    :param bool is_company: a company's name is not split: it is the first name
    :return: ``{"customer": {...}}`` with only the values the contact has
    """
    first_name, last_name = ((name or "").strip(), "") if is_company else split_name(name)
    customer = {"first_name": first_name, "last_name": last_name}
    if email:
        customer["email"] = email.strip()
    hrv_phone = haravan_phone(number)
    if hrv_phone:
        customer["phone"] = hrv_phone
    if street or city:
        address = {
            "address1": street or "",
            "city": city or "",
            "first_name": first_name,
            "last_name": last_name,
        }
        if hrv_phone:
            address["phone"] = hrv_phone
        if country_code:
            address["country_code"] = country_code.upper()
        customer["addresses"] = [address]
    return {"customer": customer}
