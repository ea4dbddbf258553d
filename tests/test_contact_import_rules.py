"""Pure tests of the contact import's rules (CON-3) in coka_crm_leads/tools/contact_import.py
and of the shared file reader coka_pbx/tools/spreadsheet.py (no database)."""

import datetime
import io
import random
import zipfile
from collections import Counter

import openpyxl
import pytest

from odoo.tools import email_normalize

from odoo.addons.coka_crm_leads.tools import contact_import as rules
from odoo.addons.coka_pbx.tools import spreadsheet


def test_normalize_drops_case_diacritics_and_punctuation():
    assert rules.normalize("Số Điện Thoại") == "so dien thoai"
    assert rules.normalize("  SĐT: ") == "sdt"
    assert rules.normalize("Họ và tên") == "ho va ten"
    assert rules.normalize("E-mail") == "e mail"


def test_mapping_by_labels_and_aliases_each_field_once():
    labels = {
        "name": {"Name", "Tên"},
        "phone": {"Phone", "Điện thoại"},
        "email": {"Email"},
        "x_coka_ngay_sinh": {"Ngày sinh"},
    }
    headers = ["Họ và tên", "SĐT", "NGÀY SINH", "Số điện thoại", "Ghi chú lạ", "email"]
    assert rules.propose_mapping(headers, labels) == [
        "name",
        "phone",
        "x_coka_ngay_sinh",
        False,  # phone already taken by the earlier column
        False,
        "email",
    ]


@pytest.mark.parametrize(
    "value",
    ["24/03/1990", "24-03-1990", "24.03.1990", "1990-03-24", "1990/03/24", 32956, 32956.0],
)
def test_dates_in_common_formats_and_excel_serials(value):
    assert rules.parse_date(value) == datetime.date(1990, 3, 24)


def test_date_cells_and_bad_dates():
    assert rules.parse_date(datetime.datetime(1990, 3, 24, 8, 0)) == datetime.date(1990, 3, 24)
    for bad in ("31/02/1990", "next week", "1990-13-01", -5, True):
        with pytest.raises(rules.CellError) as caught:
            rules.parse_date(bad)
        assert caught.value.code == "bad_date"


def test_datetimes():
    assert rules.parse_datetime("24/03/1990 08:30") == datetime.datetime(1990, 3, 24, 8, 30)
    assert rules.parse_datetime("1990-03-24T08:30:15") == datetime.datetime(1990, 3, 24, 8, 30, 15)
    assert rules.parse_datetime(32956.5) == datetime.datetime(1990, 3, 24, 12, 0)
    with pytest.raises(rules.CellError):
        rules.parse_datetime("24/03/1990 25:00")


def test_numbers_booleans_selections():
    assert rules.parse_integer("1.000") == 1000
    assert rules.parse_integer(12.0) == 12
    assert rules.parse_float("1.234,5") == 1234.5
    assert rules.parse_float("1,234.5") == 1234.5
    assert rules.parse_float("2,5") == 2.5
    for bad, parser in (("12.5", rules.parse_integer), ("abc", rules.parse_float)):
        with pytest.raises(rules.CellError):
            parser(bad)
    for word in ("Có", "yes", "1", 1, "TRUE", "x"):
        assert rules.parse_boolean(word) is True
    for word in ("Không", "no", "0", 0, "false"):
        assert rules.parse_boolean(word) is False
    with pytest.raises(rules.CellError):
        rules.parse_boolean("maybe")
    options = [("vang", "Vàng"), ("bac", "Bạc")]
    assert rules.parse_selection("VÀNG", options) == "vang"
    assert rules.parse_selection("bac", options) == "bac"
    with pytest.raises(rules.CellError) as caught:
        rules.parse_selection("Kim cương", options)
    assert caught.value.params["options"] == "Vàng, Bạc"


def _checker():
    return rules.RowChecker(
        [
            rules.Column(0, "name", "Họ và tên", required=True),
            rules.Column(1, "phone", "SĐT", kind="phone"),
            rules.Column(2, "x_coka_ngay_sinh", "Ngày sinh", kind="date", required=True),
        ]
    )


def test_row_checker_keeps_the_first_of_a_number_and_says_why_it_rejects():
    checker = _checker()
    values, keys, problems = checker.check(2, ("An", "0912 345 678", "01/02/1990"))
    assert problems == []
    assert keys == {"phone": "+84912345678"}
    assert values == {
        "name": "An",
        "phone": "0912 345 678",
        "x_coka_ngay_sinh": datetime.date(1990, 2, 1),
    }
    _v, _k, problems = checker.check(3, ("Bình", "+84912345678", "02/02/1990"))
    assert [(p[2], p[3]) for p in problems] == [("duplicate", {"row": 2})]
    _v, _k, problems = checker.check(4, ("Chi", "123", "hôm qua"))
    assert [p[2] for p in problems] == ["bad_phone", "bad_date"]
    _v, _k, problems = checker.check(5, ("", "0987654321", ""))
    assert [(p[0], p[2]) for p in problems] == [("Họ và tên", "missing"), ("Ngày sinh", "missing")]
    _v, _k, problems = checker.check(6, ("Dũng", None, "01/01/2000"))
    assert [p[2] for p in problems] == ["no_phone"]
    # A rejected row does not hold its number: the next row with it is kept.
    _v, keys, problems = checker.check(7, ("Em", 987654321, "01/01/2000"))
    assert (keys, problems) == ({"phone": "+84987654321"}, [])


def test_allocation_is_even_and_continues_after_the_pointer():
    picks, pointer = rules.allocate(950, [7, 3, 5])
    counts = Counter(picks)
    assert set(counts) == {3, 5, 7}
    assert max(counts.values()) - min(counts.values()) <= 1
    more, _pointer = rules.allocate(2, [3, 5, 7], pointer)
    assert more[0] != pointer
    assert rules.allocate(2, []) == ([None, None], None)


def test_spreadsheet_reads_csv_with_bom_and_semicolons():
    data = "\ufeffHọ và tên;SĐT\nAn;0912345678\n;\nBình;0987654321\n".encode()
    assert list(spreadsheet.read_table(data, "list.csv")) == [
        (1, ("Họ và tên", "SĐT")),
        (2, ("An", "0912345678")),
        (4, ("Bình", "0987654321")),
    ]
    comma = b"name,phone\nAn,0912345678\n"
    assert list(spreadsheet.read_table(comma, "x.csv", min_row=2)) == [(2, ("An", "0912345678"))]


def test_spreadsheet_reads_xlsx_with_types_and_refuses_junk():
    book = openpyxl.Workbook()
    book.active.append(["Name", "Born"])
    book.active.append(["An", datetime.datetime(1990, 3, 24)])
    buffer = io.BytesIO()
    book.save(buffer)
    data = buffer.getvalue()
    rows = list(spreadsheet.read_table(data, "a.xlsx"))
    assert rows == [(1, ("Name", "Born")), (2, ("An", datetime.datetime(1990, 3, 24)))]
    assert spreadsheet.table_size(data, "a.xlsx") == 2
    with pytest.raises(spreadsheet.ImportFileError) as caught:
        list(spreadsheet.read_table(b"PK\x03\x04junk", "a.xlsx"))
    assert caught.value.kind == "not_xlsx"
    with pytest.raises(spreadsheet.ImportFileError) as caught:
        list(spreadsheet.read_table("tên".encode("utf-16"), "a.csv"))
    assert caught.value.kind == "not_csv"
    with pytest.raises(spreadsheet.ImportFileError) as caught:
        list(spreadsheet.read_table(b"", "a.csv"))
    assert caught.value.kind == "empty"


def _openpyxl_rows(data, min_row=1):
    """What openpyxl's read-only worksheet gives (the reader before lxml)."""
    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    rows = book.worksheets[0].iter_rows(min_row=min_row, values_only=True)
    found = [(n, tuple(row)) for n, row in enumerate(rows, start=min_row)]
    book.close()
    return [(n, row) for n, row in found if not spreadsheet.is_blank(row)]


@pytest.mark.parametrize("write_only", [False, True])
def test_xlsx_reader_gives_what_openpyxl_gives(write_only):
    """The lxml reader of the first sheet gives openpyxl's rows and values: shared and inline
    strings, numbers, dates and times by their format, booleans, formulas' cached values
    (none here), gaps between cells and rows, the declared dimension (a normal workbook) or
    none (a write-only one)."""
    book = openpyxl.Workbook(write_only=write_only)
    sheet = book.create_sheet("Data") if write_only else book.active
    lines = [
        ["Name", "Born", "Count", "Rate", "Ok", None, "Note"],
        ["An", datetime.datetime(1990, 3, 24, 8, 30), 5, 1.5, True],
        [],
        [None, datetime.date(2020, 1, 2), 12345678901, -0.25, False, None, None, "late"],
        ["Bình", datetime.time(10, 30), "=1+1", 1e-7, None, "x"],
    ]
    for line in lines:
        sheet.append(line)
    if not write_only:
        sheet["J9"] = "far"
    buffer = io.BytesIO()
    book.save(buffer)
    data = buffer.getvalue()
    for min_row in (1, 2, 4):
        assert list(spreadsheet.read_xlsx(data, min_row=min_row)) == _openpyxl_rows(data, min_row)
    assert spreadsheet.table_size(data, "a.xlsx") == (5 if write_only else 9)


def test_xlsx_reader_inline_strings_as_openpyxl():
    """Inline strings as openpyxl reads them: plain, rich text in runs (their formatting
    left out), an empty text, a run without text, and the phonetic guide (``<rPh>``) left
    out; a value cell without its ``<v>`` is empty."""
    book = openpyxl.Workbook()
    book.active.append(["Name", "Note", "Empty", "Count"])
    book.active.append(["placeholder"])
    buffer = io.BytesIO()
    book.save(buffer)
    cells = (
        '<c r="A2" t="inlineStr"><is><r><rPr><b/></rPr><t xml:space="preserve">Khách </t></r>'
        '<r><t>Một</t></r><r><rPr><i/></rPr></r><rPh sb="0" eb="1"><t>KH</t></rPh></is></c>'
        '<c r="B2" t="inlineStr"><is><t>An</t><rPh sb="0" eb="1"><t>x</t></rPh></is></c>'
        '<c r="C2" t="inlineStr"><is><t/></is></c>'
        '<c r="D2" t="n"/><c r="E2" t="inlineStr"><is><t>cuối</t></is></c>'
    )
    source = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w") as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                text = content.decode()
                start = text.index('<c r="A2"')
                end = text.index("</row>", start)
                text = text[:start] + cells + text[end:]
                content = text.replace('ref="A1:D2"', 'ref="A1:E2"').encode()
            target.writestr(item, content)
    data = output.getvalue()
    rows = list(spreadsheet.read_xlsx(data))
    assert rows == _openpyxl_rows(data)
    assert rows[1] == (2, ("Khách Một", "An", "", None, "cuối"))


@pytest.mark.parametrize(
    "text",
    [
        "k1@example.vn",
        "Khach.Mot@Example.VN",
        "a.b+c_d-e@sub.domain-x.com",
        "a@localhost",
        " spaced@example.vn ",
        "Name <Name@Example.vn>",
        '"Quoted" <q@example.vn>',
        "two@example.vn, three@example.vn",
        "a..b@example.vn",
        ".a@example.vn",
        "a.@example.vn",
        "a@.example.vn",
        "a@example..vn",
        "a@b@example.vn",
        "@example.vn",
        "no-at-sign",
        "tên@ví-dụ.vn",
        "Tên@Example.VN",
        "a@EXAMPLE.VN.",
        "",
        None,
        False,
    ],
)
def test_normalized_email_is_odoos(text):
    """The import's e-mail key is Odoo's email_normalize(text, strict=False), with or without
    its plain-address shortcut."""
    assert rules.normalized_email(text) == email_normalize(text or False, strict=False)


def test_normalized_email_is_odoos_on_random_addresses():
    rnd = random.Random(12)
    alphabet = 'aB0._+-@ <>",;:()[]é'
    plain = 0
    for index in range(20000):
        if index % 2:
            text = "".join(rnd.choice(alphabet) for _ in range(rnd.randint(1, 14)))
        else:  # address-like: words around one "@", with a stray dot or letter at times
            local, domain = ("".join(rnd.choice("aZ9_+-") for _ in range(3)) for _ in "ld")
            dot = rnd.choice([".", "", ".."])
            text = f"{local}{dot}{domain}@ex{rnd.choice(['.vn', '.', 'é.vn', '.VN'])}"
        plain += bool(rules._PLAIN_EMAIL.fullmatch(text))
        assert rules.normalized_email(text) == email_normalize(text, strict=False), text
    assert plain > 3000, "the shortcut is taken for many of them"
