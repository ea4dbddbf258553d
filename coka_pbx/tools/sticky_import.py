"""Sticky-rule files (SPEC STK-5): the .xlsx template, reading uploads row by row, the
per-row report. Plain functions over openpyxl; the wizard writes what they return."""

import io
import zipfile

import openpyxl
from openpyxl.utils.exceptions import InvalidFileException

from . import phone

MAX_BYTES = 20 * 1024 * 1024
HEADERS = ("Phone number", "Extension")
REPORT_HEADERS = ("Row", "Value", "Reason")


class ImportFileError(ValueError):
    """The file as a whole cannot be read; ``kind`` says why (``not_xlsx``, ``empty``,
    ``too_large``)."""

    def __init__(self, kind):
        super().__init__(kind)
        self.kind = kind


def _workbook(rows, headers):
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(list(headers))
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def template(examples=()):
    """The template to fill in: a header row and optional example rows.

    :param examples: rows ``(phone, extension)``
    :return: the .xlsx bytes
    """
    return _workbook(examples, HEADERS)


def report(rejections):
    """The per-row report of rejected rows.

    :param rejections: ``(row number, value, reason)`` tuples
    :return: the .xlsx bytes
    """
    return _workbook(rejections, REPORT_HEADERS)


def _cell_text(value):
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def read_rows(data):
    """Yield ``(row number, phone text, extension text)`` of the first sheet, header skipped.

    Read-only mode: rows stream from the file, memory stays flat for large files.

    :param bytes data: the uploaded file
    :raise ImportFileError: not an .xlsx workbook, empty, or over :data:`MAX_BYTES`
    """
    if not data:
        raise ImportFileError("empty")
    if len(data) > MAX_BYTES:
        raise ImportFileError("too_large")
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
        for number, row in enumerate(sheet.iter_rows(min_row=2, values_only=True), start=2):
            cells = list(row[:2]) + [None] * (2 - len(row[:2]))
            phone_text, extension_text = (_cell_text(value) for value in cells)
            if phone_text or extension_text:
                yield number, phone_text, extension_text
    finally:
        book.close()


def validate(rows, extension_ids):
    """Split rows into valid rules and rejections (SPEC STK-5).

    A row is valid when its phone parses, its extension exists in the company, and its
    number did not already appear in an earlier row of the file.

    :param rows: ``(row number, phone text, extension text)`` as from :func:`read_rows`
    :param dict extension_ids: extension number -> extension id of the company
    :return: ``(valid, rejected)``: ``valid`` maps E.164 -> ``(row, phone text, extension
        id)``; ``rejected`` lists ``(row, value, reason code)`` with reason codes
        ``bad_phone``, ``unknown_extension``, ``duplicate``, ``missing``
    """
    valid, rejected = {}, []
    for number, phone_text, extension_text in rows:
        if not phone_text or not extension_text:
            rejected.append((number, phone_text or extension_text, "missing"))
            continue
        key = phone.to_e164(phone_text)
        if not key:
            rejected.append((number, phone_text, "bad_phone"))
        elif extension_text not in extension_ids:
            rejected.append((number, extension_text, "unknown_extension"))
        elif key in valid:
            rejected.append((number, phone_text, "duplicate"))
        else:
            valid[key] = (number, phone_text, extension_ids[extension_text])
    return valid, rejected
