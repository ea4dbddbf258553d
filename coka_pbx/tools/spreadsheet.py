"""Spreadsheet files of the imports (sticky rules STK-5, contacts CON-3): writing a small
.xlsx (templates, reports) and reading uploads row by row. Plain functions over openpyxl and
the csv module; the wizards turn what they return into records and messages.
"""

import csv
import io
import re
import zipfile

import openpyxl
from lxml import etree
from openpyxl.reader.excel import ExcelReader
from openpyxl.styles.stylesheet import apply_stylesheet
from openpyxl.utils import column_index_from_string, range_boundaries
from openpyxl.utils.datetime import from_excel, from_ISO8601
from openpyxl.utils.exceptions import InvalidFileException

MAX_BYTES = 20 * 1024 * 1024
_ZIP_MAGIC = b"PK\x03\x04"


class ImportFileError(ValueError):
    """The file as a whole cannot be read; ``kind`` says why (``not_xlsx``, ``not_csv``,
    ``empty``, ``too_large``)."""

    def __init__(self, kind):
        super().__init__(kind)
        self.kind = kind


def workbook(headers, rows):
    """A one-sheet .xlsx: a header row, then ``rows``.

    :return: the .xlsx bytes
    """
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(list(headers))
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def cell_text(value):
    """The text of a cell: ``None`` → ``""``, ``101.0`` → ``"101"``, stripped."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def is_blank(cells):
    return all(cell is None or (isinstance(cell, str) and not cell.strip()) for cell in cells)


def _check_size(data):
    if not data:
        raise ImportFileError("empty")
    if len(data) > MAX_BYTES:
        raise ImportFileError("too_large")


_MAIN_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_ROW_TAG = _MAIN_NS + "row"
_DIMENSION_TAG = _MAIN_NS + "dimension"
_VALUE_TAG = _MAIN_NS + "v"
_TEXT_TAG = _MAIN_NS + "t"
_RUN_TAG = _MAIN_NS + "r"
_INLINE_TAG = _MAIN_NS + "is"
_COLUMN = re.compile(r"[A-Z]+")
_READ_ERRORS = (
    InvalidFileException,
    zipfile.BadZipFile,
    KeyError,
    OSError,
    ValueError,
    TypeError,
)


class _Sheet:
    """The first worksheet of an .xlsx: openpyxl reads the workbook's parts (content
    types, shared strings, workbook, styles) and not its worksheets, whose rows are then
    streamed with lxml (``iterparse``). openpyxl's read-only worksheet parses the whole
    sheet once more on opening when the file does not declare its dimension (as openpyxl's
    own write-only files), and its cell reader is several times slower than this one; the
    values are the same (cell types, dates by their number format, rows cut and padded to the
    declared dimension)."""

    def __init__(self, data):
        reader = ExcelReader(io.BytesIO(data), read_only=True, data_only=True)
        reader.read_manifest()
        reader.read_strings()
        reader.read_workbook()
        apply_stylesheet(reader.archive, reader.wb)
        self.archive = reader.archive
        self.strings = reader.shared_strings
        self.epoch = reader.wb.epoch
        # As openpyxl's read-only worksheet: durations read as times of day too.
        self.date_styles = set(reader.wb._date_formats)
        self.path = next(
            (
                rel.target
                for _sheet, rel in reader.parser.find_sheets()
                if rel.target in reader.valid_files and "chartsheet" not in rel.Type
            ),
            None,
        )

    def close(self):
        self.archive.close()

    def _elements(self):
        """Yield the sheet's ``<dimension>`` and ``<row>`` elements, each cleared after
        use (memory stays flat)."""
        with self.archive.open(self.path) as source:
            events = etree.iterparse(
                source,
                events=("end",),
                tag=(_DIMENSION_TAG, _ROW_TAG),
                resolve_entities=False,
                no_network=True,
                huge_tree=True,
            )
            for _event, element in events:
                yield element
                element.clear()
                while element.getprevious() is not None:
                    del element.getparent()[0]

    def dimension(self):
        """``(max_column, max_row)`` the sheet declares, or ``None`` (read from its start
        only: the dimension comes before the rows)."""
        for element in self._elements():
            if element.tag == _DIMENSION_TAG:
                _min_col, _min_row, max_col, max_row = range_boundaries(element.get("ref"))
                return max_col, max_row
            return None
        return None

    @staticmethod
    def _inline_text(cell):
        """The text of an inline string: its ``<t>`` and the ``<t>`` of its rich-text runs
        ``<r>``, not the phonetic ``<rPh>`` (as openpyxl's ``Text.content``)."""
        # iterchildren() filters by tag in lxml's C code; find() goes through its Python
        # path engine, the larger part of reading a cell.
        child = next(cell.iterchildren(_INLINE_TAG), None)
        if child is None:
            return None
        texts = []
        for part in child.iterchildren(_TEXT_TAG, _RUN_TAG):
            if part.tag == _RUN_TAG:
                part = next(part.iterchildren(_TEXT_TAG), None)
                if part is None:
                    continue
            texts.append(part.text or "")
        return "".join(texts)

    def _number(self, value, style):
        value = float(value) if "." in value or "E" in value or "e" in value else int(value)
        if style and int(style) in self.date_styles:
            try:
                return from_excel(value, self.epoch)
            except (OverflowError, ValueError):
                return "#VALUE!"
        return value

    def _value(self, cell):
        kind = cell.get("t", "n")
        if kind == "inlineStr":
            return self._inline_text(cell)
        value = next(cell.iterchildren(_VALUE_TAG), None)
        value = value.text if value is not None else None
        if value is None:
            return None
        if kind == "s":
            return self.strings[int(value)]
        if kind == "n":
            return self._number(value, cell.get("s"))
        if kind == "b":
            return bool(int(value))
        if kind == "d":
            return from_ISO8601(value)
        return value  # "str" (a formula's text) and "e" (an error)

    def rows(self):
        """Yield ``(row number, cells)`` as openpyxl's read-only ``iter_rows(values_only=True)``
        does: rows numbered by their ``r`` (else in turn), cells placed by their reference
        (else in turn), a row as wide as the declared dimension (else its last cell), rows
        and cells beyond the declared dimension left out."""
        max_col = max_row = None
        number = 0
        for element in self._elements():
            if element.tag == _DIMENSION_TAG:
                _min_col, _min_row, max_col, max_row = range_boundaries(element.get("ref"))
                continue
            mark = element.get("r")
            number = int(float(mark)) if mark else number + 1
            if max_row is not None and number > max_row:
                return
            cells, column = {}, 0
            for cell in element:
                reference = cell.get("r")
                if reference:
                    letters = _COLUMN.match(reference)
                    column = column_index_from_string(letters.group()) if letters else column + 1
                else:
                    column += 1
                cells[column] = self._value(cell)
            width = max_col or (column if cells else 0)
            row = [None] * width
            for index, value in cells.items():
                if index <= width:
                    row[index - 1] = value
            yield number, tuple(row)


def _open_sheet(data):
    """The first worksheet of ``data`` (:class:`_Sheet`).

    :raise ImportFileError: not an .xlsx workbook, empty, or over :data:`MAX_BYTES`
    """
    _check_size(data)
    try:
        sheet = _Sheet(data)
    except _READ_ERRORS as error:
        raise ImportFileError("not_xlsx") from error
    if sheet.path is None:
        sheet.close()
        raise ImportFileError("empty")
    return sheet


def read_xlsx(data, min_row=1):
    """Yield ``(row number, cells)`` of the first sheet from ``min_row`` on, blank rows left
    out; cells keep their types (text, int, float, datetime, bool, ``None``).

    The rows stream from the file (:class:`_Sheet`), memory stays flat for large files.

    :param bytes data: the uploaded file
    :raise ImportFileError: not an .xlsx workbook, empty, or over :data:`MAX_BYTES`
    """
    sheet = _open_sheet(data)
    try:
        try:
            for number, row in sheet.rows():
                if number >= min_row and not is_blank(row):
                    yield number, row
        except (etree.XMLSyntaxError, *_READ_ERRORS) as error:
            raise ImportFileError("not_xlsx") from error
    finally:
        sheet.close()


def xlsx_size(data):
    """The number of rows of the first sheet: the dimension it declares, else its ``<row>``
    elements counted in the sheet's XML (no cell parsed); ``None`` when unreadable."""
    try:
        sheet = _open_sheet(data)
    except ImportFileError:
        return None
    try:
        dimension = sheet.dimension()
        if dimension and dimension[1]:
            return dimension[1]
        count, tail = 0, b""
        with sheet.archive.open(sheet.path) as xml:
            while chunk := xml.read(1 << 20):
                block = tail + chunk
                count += block.count(b"<row ") + block.count(b"<row>")
                tail = block[-5:]
                count -= tail.count(b"<row ") + tail.count(b"<row>")
        return count + tail.count(b"<row ") + tail.count(b"<row>")
    except (etree.XMLSyntaxError, *_READ_ERRORS):
        return None
    finally:
        sheet.close()


def _csv_text(data):
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ImportFileError("not_csv") from error


def csv_delimiter(first_line):
    """``;`` when the header line holds more semicolons than commas, else ``,``."""
    return ";" if first_line.count(";") > first_line.count(",") else ","


def read_csv(data, min_row=1):
    """Yield ``(row number, cells)`` of a UTF-8 (with or without BOM) .csv separated by
    commas or semicolons, from ``min_row`` on, blank rows left out; cells are text.

    :raise ImportFileError: not UTF-8 text, empty, or over :data:`MAX_BYTES`
    """
    _check_size(data)
    text = _csv_text(data)
    if "\x00" in text:
        raise ImportFileError("not_csv")
    delimiter = csv_delimiter(text.split("\n", 1)[0])
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        for number, row in enumerate(reader, start=1):
            if number >= min_row and not is_blank(row):
                yield number, tuple(row)
    except csv.Error as error:
        raise ImportFileError("not_csv") from error


def is_xlsx(data, filename=""):
    """Whether ``data`` is read as a workbook: a zip file, or a name ending in .xlsx."""
    return data[:4] == _ZIP_MAGIC or (filename or "").lower().endswith(".xlsx")


def read_table(data, filename="", min_row=1):
    """Rows of an .xlsx or a .csv upload (see :func:`read_xlsx`, :func:`read_csv`)."""
    if is_xlsx(data, filename):
        return read_xlsx(data, min_row=min_row)
    return read_csv(data, min_row=min_row)


def table_size(data, filename=""):
    """An upper bound of the rows of the file (header included), read cheaply."""
    if is_xlsx(data, filename):
        size = xlsx_size(data)
        if size is not None:
            return size
        return sum(1 for _row in read_xlsx(data))
    return data.count(b"\n") + (0 if data.endswith(b"\n") else 1)
