"""Pure rules of the contact import (SPEC CON-3): matching headers to fields, reading and
checking the cells of a row, duplicates inside the file, even allocation. No ORM here: the
import job (``coka.contact.import.job``) gives the fields, reads the file and writes.
"""

import datetime
import re
import unicodedata
from dataclasses import dataclass, field

from odoo.tools import email_normalize

from odoo.addons.coka_pbx.tools import phone as phone_tools
from odoo.addons.coka_pbx.tools.spreadsheet import cell_text

from .rotation import pick_round_robin

# Common headers of Vietnamese and English customer lists, normalised (see ``normalize``),
# by the res.partner field they hold. Field labels (English and Vietnamese) match as well.
ALIASES = {
    "name": (
        "ho va ten",
        "ho ten",
        "ten",
        "ten khach hang",
        "khach hang",
        "ten lien he",
        "full name",
        "name",
        "customer",
        "customer name",
        "contact name",
    ),
    "phone": (
        "so dien thoai",
        "sdt",
        "so dt",
        "dien thoai",
        "dt",
        "phone",
        "phone number",
        "tel",
        "telephone",
    ),
    "mobile": ("di dong", "so di dong", "mobile", "mobile phone", "cell phone"),
    "email": ("email", "e mail", "thu dien tu"),
    "street": ("dia chi", "address", "street"),
    "city": ("thanh pho", "tinh thanh", "tinh thanh pho", "tinh", "city"),
    "function": ("chuc vu", "job position", "position"),
    "comment": ("ghi chu", "note", "notes"),
    "coka_customer_type": ("loai khach hang", "loai khach", "customer type"),
    "team_id": ("phong ban", "bo phan", "nhom ban hang", "doi ngu ban hang", "sales team"),
    "user_id": (
        "nhan vien",
        "nhan vien phu trach",
        "nguoi phu trach",
        "nhan vien kinh doanh",
        "salesperson",
        "staff",
    ),
}
PHONE_FIELDS = ("phone", "mobile")
TRUE_WORDS = {"yes", "y", "true", "1", "co", "x", "dung"}
FALSE_WORDS = {"no", "n", "false", "0", "khong", "sai"}
DATE_FORMATS = ("%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d", "%Y/%m/%d", "%d/%m/%y")
TIME_FORMATS = (" %H:%M:%S", " %H:%M", "T%H:%M:%S", "T%H:%M")
# Excel's day 0 (1900 date system, with its 1900-02-29 that never was).
EXCEL_EPOCH = datetime.datetime(1899, 12, 30)
EXCEL_MAX_SERIAL = 2958466  # 9999-12-31
_NOT_WORD = re.compile(r"[^a-z0-9]+")
# A plain address: ASCII dot-separated words each side of one "@", nothing else (no name,
# quotes, brackets, spaces or second address). Odoo's email_normalize() gives it lowercased.
_PLAIN_EMAIL = re.compile(
    r"[A-Za-z0-9_+-]+(?:\.[A-Za-z0-9_+-]+)*@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*"
)


def normalize(text):
    """``"Số Điện Thoại"`` → ``"so dien thoai"``: lower case, no diacritics (đ → d), words
    of ASCII letters and digits separated by one space."""
    text = (text or "").replace("đ", "d").replace("Đ", "D")
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return _NOT_WORD.sub(" ", text.lower()).strip()


def normalized_email(text):
    """``email_normalized`` of a contact with this e-mail, as Odoo computes it
    (``odoo.tools.email_normalize(text, strict=False)``): a plain address lowercased without
    Odoo's address parser (a third of a row's cost in the values an import gives), anything
    else by Odoo's function."""
    if text and isinstance(text, str) and _PLAIN_EMAIL.fullmatch(text):
        return text.lower()
    return email_normalize(text or False, strict=False)


def propose_mapping(headers, labels):
    """The field proposed for each header, each field at most once (the first header wins).

    :param list headers: the header row's texts
    :param dict labels: field name → its labels (any language); aliases of :data:`ALIASES`
        are added for the standard fields
    :return: one field name or ``False`` per header
    """
    known = {}
    for name, texts in labels.items():
        for text in (*texts, *ALIASES.get(name, ())):
            known.setdefault(normalize(text), name)
    used, mapping = set(), []
    for header in headers:
        name = known.get(normalize(header))
        if name and name not in used:
            used.add(name)
            mapping.append(name)
        else:
            mapping.append(False)
    return mapping


class CellError(ValueError):
    """A cell that cannot be imported; ``code`` says why, ``params`` completes the reason."""

    def __init__(self, code, **params):
        super().__init__(code)
        self.code = code
        self.params = params


def parse_integer(value):
    if isinstance(value, bool):
        raise CellError("bad_integer")
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if value.is_integer():
            return int(value)
        raise CellError("bad_integer")
    text = re.sub(r"[\s.,](?=\d{3}(\D|$))", "", str(value).strip())
    try:
        return int(text)
    except ValueError:
        raise CellError("bad_integer") from None


def parse_float(value):
    if isinstance(value, bool):
        raise CellError("bad_float")
    if isinstance(value, int | float):
        return float(value)
    text = str(value).strip().replace(" ", "")
    if "," in text and "." in text:
        # The last separator is the decimal one: 1.234,5 and 1,234.5.
        thousands = "." if text.rfind(",") > text.rfind(".") else ","
        text = text.replace(thousands, "")
    text = text.replace(",", ".")
    try:
        return float(text)
    except ValueError:
        raise CellError("bad_float") from None


def _excel_serial(value):
    if isinstance(value, bool) or not 1 <= value < EXCEL_MAX_SERIAL:
        return None
    return EXCEL_EPOCH + datetime.timedelta(days=value)


def parse_datetime(value, code="bad_datetime", with_time=True):
    """A naive datetime from an Excel date cell, an Excel serial number, or text
    (``dd/mm/yyyy``, ``dd-mm-yyyy``, ``dd.mm.yyyy``, ISO ``yyyy-mm-dd``, each optionally
    with ``HH:MM[:SS]``)."""
    if isinstance(value, datetime.datetime):
        return value
    if isinstance(value, datetime.date):
        return datetime.datetime.combine(value, datetime.time())
    if isinstance(value, int | float):
        moment = _excel_serial(value)
        if moment is None:
            raise CellError(code)
        return moment
    text = str(value).strip()
    formats = [*DATE_FORMATS]
    if with_time:
        formats += [base + time for base in DATE_FORMATS for time in TIME_FORMATS]
    for pattern in formats:
        try:
            return datetime.datetime.strptime(text, pattern)
        except ValueError:
            continue
    raise CellError(code)


def parse_date(value):
    moment = parse_datetime(value, code="bad_date", with_time=False)
    return moment.date()


def parse_boolean(value):
    if isinstance(value, bool):
        return value
    word = normalize(cell_text(value))
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise CellError("bad_boolean")


def parse_selection(value, options):
    """The value of the option whose label (or value) is the cell's text.

    :param list options: ``(value, label)`` pairs
    """
    wanted = normalize(cell_text(value))
    for option_value, label in options:
        if wanted in (normalize(label), normalize(option_value)):
            return option_value
    raise CellError("bad_option", options=", ".join(label for _value, label in options))


@dataclass
class Column:
    """A mapped column: its index in the row and the field it fills.

    ``kind`` is a field type (``char``, ``text``, ``integer``, ``float``, ``date``,
    ``datetime``, ``boolean``, ``selection``), ``phone`` or ``many2one``; ``options`` are the
    ``(value, label)`` pairs of a selection; ``records`` maps the normalised names (and
    logins) of a many2one's records to their ids.
    """

    index: int
    field: str
    header: str
    kind: str = "char"
    required: bool = False
    options: list = field(default_factory=list)
    records: dict = field(default_factory=dict)


def parse_cell(column, value):
    """The field value of one cell (``None`` for an empty cell)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    kind = column.kind
    if kind == "phone":
        text = cell_text(value)
        # One parse gives the key and the display form (memoised: RowChecker asks again).
        if not phone_tools.to_e164_display(text)[0]:
            raise CellError("bad_phone")
        return text
    if kind == "integer":
        return parse_integer(value)
    if kind == "float":
        return parse_float(value)
    if kind == "date":
        return parse_date(value)
    if kind == "datetime":
        return parse_datetime(value)
    if kind == "boolean":
        return parse_boolean(value)
    if kind == "selection":
        return parse_selection(value, column.options)
    if kind == "many2one":
        record_id = column.records.get(normalize(cell_text(value)))
        if not record_id:
            raise CellError("unknown_record")
        return record_id
    return cell_text(value) if not isinstance(value, str) else value.strip()


@dataclass
class RowChecker:
    """Checks the rows of one file in order, remembering the numbers already seen.

    A row is kept when it has a name, at least one phone or mobile number, every cell
    reads as its field's type, every required field has a value, and none of its numbers
    was in an earlier kept row (the first row keeps the number).
    """

    columns: list
    seen: dict = field(default_factory=dict)

    def _read(self, cells):
        values, problems = {}, []
        for column in self.columns:
            value = cells[column.index] if column.index < len(cells) else None
            try:
                parsed = parse_cell(column, value)
            except CellError as error:
                problems.append((column.header, cell_text(value), error.code, error.params))
                continue
            if parsed is not None:
                values[column.field] = parsed
            elif column.required:
                problems.append((column.header, "", "missing", {}))
        return values, problems

    def check(self, number, cells):
        """:return: ``(values, keys, problems)``: the field values (numbers in national form)
        and the E.164 key of each number field (``{"phone": "+84..."}``) of a kept row
        (``problems`` empty), or the ``(column header, value, code, params)`` of each problem
        of a rejected one."""
        values, problems = self._read(cells)
        numbers = [values[name] for name in PHONE_FIELDS if name in values]
        if not numbers and not any(problem[2] == "bad_phone" for problem in problems):
            problems.append(("", "", "no_phone", {}))
        parsed = {
            name: phone_tools.to_e164_display(values[name])
            for name in PHONE_FIELDS
            if name in values
        }
        keyed = {name: key for name, (key, _display) in parsed.items()}
        keys = list(dict.fromkeys(keyed.values()))
        if not problems:
            first = next((self.seen[key] for key in keys if key in self.seen), None)
            if first:
                header = next(c.header for c in self.columns if c.field in PHONE_FIELDS)
                problems.append((header, ", ".join(numbers), "duplicate", {"row": first}))
        if problems:
            return None, None, problems
        for key in keys:
            self.seen[key] = number
        for name, (_key, display) in parsed.items():
            values[name] = display
        return values, keyed, []


def allocate(count, staff_ids, pointer=None):
    """Round robin over ``staff_ids`` for ``count`` new contacts, after ``pointer`` (the
    last one given a contact): over any run the counts differ by at most one.

    :return: ``(one id per contact, new pointer)``
    """
    if not staff_ids:
        return [None] * count, pointer
    return pick_round_robin(sorted(staff_ids), pointer, {}, [()] * count)
