"""Reading an uploaded .xlsx safely: size and shape checked before openpyxl parses it.

A malformed file, a zip bomb, a file of another type or one with too many rows is a 4xx with
a Chinese message, never a server error. Only the first worksheet is read; its first
non-empty row is the header, matched by column name (aliases allowed, spaces ignored).
"""
import io
import logging
import re
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from app.errors import ApiError

log = logging.getLogger(__name__)

MAX_BYTES = 2 * 1024 * 1024
UPLOAD_BODY_LIMIT = MAX_BYTES + 64 * 1024  # the file plus its multipart envelope
MAX_UNCOMPRESSED = 64 * 1024 * 1024  # a zip bomb is refused before anything is inflated
MAX_MEMBERS = 500
MAX_ROWS = 5000
MAX_COLUMNS = 40
MAX_PROBLEMS = 200


class BadSpreadsheet(ApiError):
    status, code, message = 422, "bad_spreadsheet", "无法读取表格，请上传 Excel（.xlsx）文件"


class SpreadsheetTooLarge(ApiError):
    status, code, message = 413, "payload_too_large", "表格文件不能超过 2 MB"


class TooManyRows(ApiError):
    status, code, message = 422, "too_many_rows", f"每次最多导入 {MAX_ROWS} 行，请分批导入"


class MissingColumns(ApiError):
    status, code, message = 422, "missing_columns", "表头缺少必需的列"


@dataclass
class Column:
    key: str
    title: str  # the name shown in problems and expected in the header
    required: bool = False
    aliases: tuple[str, ...] = ()


@dataclass
class Sheet:
    rows: list[tuple[int, dict]]  # (row number as Excel shows it, {key: text})
    columns: dict[str, Column] = field(default_factory=dict)


def _norm(title) -> str:
    text = cell_text(title)
    return re.sub(r"[\s（）()㎡²]|平方米|m2", "", text)


def cell_text(value) -> str:
    """A cell as text: 101.0 → "101", dates and numbers as written, None → ""."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, float):
        return repr(value)
    return str(value).strip()


def decimal_of(text: str) -> Decimal | None:
    try:
        value = Decimal(text)
    except (InvalidOperation, ValueError):
        return None
    return value if value.is_finite() else None


def _check_zip(data: bytes) -> None:
    if len(data) > MAX_BYTES:
        raise SpreadsheetTooLarge(details={"max_bytes": MAX_BYTES})
    if not data.startswith(b"PK\x03\x04"):
        raise BadSpreadsheet(details={"reason": "not_xlsx"})
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
            if len(members) > MAX_MEMBERS:
                raise BadSpreadsheet(details={"reason": "too_many_parts"})
            if sum(m.file_size for m in members) > MAX_UNCOMPRESSED:
                raise BadSpreadsheet(details={"reason": "too_large_uncompressed"})
            if "xl/workbook.xml" not in {m.filename for m in members}:
                raise BadSpreadsheet(details={"reason": "not_xlsx"})
    except zipfile.BadZipFile:
        raise BadSpreadsheet(details={"reason": "not_xlsx"}) from None


def read(data: bytes, columns: list[Column]) -> Sheet:
    """The first worksheet's rows keyed by column; 4xx when it cannot be read."""
    from openpyxl import load_workbook  # imported here: only imports need it

    _check_zip(data)
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds on bad input; all mean unreadable
        log.info("spreadsheet refused error=%s", type(exc).__name__)
        raise BadSpreadsheet(details={"reason": "unreadable"}) from None
    try:
        if not book.worksheets:
            raise BadSpreadsheet(details={"reason": "no_sheet"})
        return _rows(book.worksheets[0], columns)
    except ApiError:
        raise
    except Exception as exc:
        log.info("spreadsheet refused error=%s", type(exc).__name__)
        raise BadSpreadsheet(details={"reason": "unreadable"}) from None
    finally:
        book.close()


def _rows(sheet, columns: list[Column]) -> Sheet:
    wanted = {}
    for col in columns:
        for name in (col.title, *col.aliases):
            wanted[_norm(name)] = col
    header: dict[int, Column] | None = None
    rows: list[tuple[int, dict]] = []
    for number, values in enumerate(sheet.iter_rows(values_only=True, max_col=MAX_COLUMNS),
                                    start=1):
        if number > 2 * MAX_ROWS:  # blank rows count too: a sheet may claim a million
            raise TooManyRows(details={"max_rows": MAX_ROWS})
        texts = [cell_text(v) for v in values]
        if not any(texts):
            continue
        if header is None:
            header = {}
            for i, title in enumerate(texts):
                col = wanted.get(_norm(title))
                if col is not None and col not in header.values():
                    header[i] = col
            missing = [c.title for c in columns if c.required and c not in header.values()]
            if missing:
                raise MissingColumns(details={"missing": missing, "row": number})
            continue
        if len(rows) >= MAX_ROWS:
            raise TooManyRows(details={"max_rows": MAX_ROWS})
        rows.append((number, {col.key: texts[i] if i < len(texts) else ""
                              for i, col in header.items()}))
    if header is None:
        raise BadSpreadsheet("empty_spreadsheet", "表格是空的")
    return Sheet(rows=rows, columns={c.key: c for c in columns})


class Problems:
    """Each row's problems: row number as Excel shows it, column title, Chinese message."""

    def __init__(self, sheet: Sheet):
        self.sheet = sheet
        self.items: list[dict] = []
        self.total = 0

    def add(self, row: int, key: str | None, message: str) -> None:
        self.total += 1
        if len(self.items) < MAX_PROBLEMS:
            column = self.sheet.columns[key].title if key else None
            self.items.append({"row": row, "column": column, "message": message})

    def __bool__(self) -> bool:
        return self.total > 0
