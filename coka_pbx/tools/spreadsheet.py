"""Spreadsheet files of the imports (sticky rules STK-5, contacts CON-3): writing a small
.xlsx (templates, reports) and reading uploads row by row. Plain functions over openpyxl and
the csv module; the wizards turn what they return into records and messages.
"""

import csv
import io
import zipfile

import openpyxl
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


def read_xlsx(data, min_row=1):
    """Yield ``(row number, cells)`` of the first sheet from ``min_row`` on, blank rows left
    out; cells keep their types (text, int, float, datetime, bool, ``None``).

    Read-only mode: rows stream from the file, memory stays flat for large files.

    :param bytes data: the uploaded file
    :raise ImportFileError: not an .xlsx workbook, empty, or over :data:`MAX_BYTES`
    """
    _check_size(data)
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (
        InvalidFileException,
        zipfile.BadZipFile,
        KeyError,
        OSError,
        ValueError,
        TypeError,
    ) as error:
        raise ImportFileError("not_xlsx") from error
    try:
        sheet = book.worksheets[0] if book.worksheets else None
        if sheet is None:
            raise ImportFileError("empty")
        rows = sheet.iter_rows(min_row=min_row, values_only=True)
        for number, row in enumerate(rows, start=min_row):
            if not is_blank(row):
                yield number, tuple(row)
    finally:
        book.close()


def xlsx_size(data):
    """The number of rows of the first sheet: the dimension it declares, else its ``<row>``
    elements counted in the sheet's XML (no cell parsed); ``None`` when unreadable."""
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError):
        return None
    try:
        if not book.worksheets:
            return None
        sheet = book.worksheets[0]
        if sheet.max_row:
            return sheet.max_row
        path = getattr(sheet, "_worksheet_path", None)
    finally:
        book.close()
    if not path:
        return None
    count, tail = 0, b""
    with zipfile.ZipFile(io.BytesIO(data)) as archive, archive.open(path) as xml:
        while chunk := xml.read(1 << 20):
            block = tail + chunk
            count += block.count(b"<row ") + block.count(b"<row>")
            tail = block[-5:]
            count -= tail.count(b"<row ") + tail.count(b"<row>")
    return count + tail.count(b"<row ") + tail.count(b"<row>")


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
