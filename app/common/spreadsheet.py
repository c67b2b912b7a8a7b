"""Cells bound for a spreadsheet (CSV or xlsx): user-typed text that Excel would run as a
formula is neutralised by a leading apostrophe (CSV injection)."""
import io

from openpyxl import Workbook
from openpyxl.styles import Font

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value) -> str:
    """The text of `value`, with a leading `'` when it would start a formula."""
    text = str(value)
    return "'" + text if text[:1] in FORMULA_STARTS else text


def xlsx_value(value):
    """A cell's value: numbers as numbers, anything else as neutralised text."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return value
    return neutralise("" if value is None else value)


def table_xlsx(sheet_title: str, header: list[str], rows) -> bytes:
    """A one-sheet workbook: a bold header, then the rows."""
    wb = Workbook()
    ws = wb.active
    ws.title = sheet_title[:31]
    ws.append([xlsx_value(h) for h in header])
    for c in ws[1]:
        c.font = Font(bold=True)
    for row in rows:
        ws.append([xlsx_value(v) for v in row])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
