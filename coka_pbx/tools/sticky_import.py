"""Sticky-rule files (SPEC STK-5): the .xlsx template, reading uploads row by row, the
per-row report. Plain functions over openpyxl; the wizard writes what they return."""

from . import phone, spreadsheet
from .spreadsheet import MAX_BYTES, ImportFileError

__all__ = ["MAX_BYTES", "ImportFileError", "read_rows", "report", "template", "validate"]

HEADERS = ("Phone number", "Extension")
REPORT_HEADERS = ("Row", "Value", "Reason")


def template(examples=()):
    """The template to fill in: a header row and optional example rows.

    :param examples: rows ``(phone, extension)``
    :return: the .xlsx bytes
    """
    return spreadsheet.workbook(HEADERS, examples)


def report(rejections):
    """The per-row report of rejected rows.

    :param rejections: ``(row number, value, reason)`` tuples
    :return: the .xlsx bytes
    """
    return spreadsheet.workbook(REPORT_HEADERS, rejections)


def read_rows(data):
    """Yield ``(row number, phone text, extension text)`` of the first sheet, header skipped.

    Read-only mode (:func:`spreadsheet.read_xlsx`): memory stays flat for large files.

    :param bytes data: the uploaded file
    :raise ImportFileError: not an .xlsx workbook, empty, or over :data:`MAX_BYTES`
    """
    for number, row in spreadsheet.read_xlsx(data, min_row=2):
        cells = list(row[:2]) + [None] * (2 - len(row[:2]))
        phone_text, extension_text = (spreadsheet.cell_text(value) for value in cells)
        if phone_text or extension_text:
            yield number, phone_text, extension_text


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
