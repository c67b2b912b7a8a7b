"""Keyset (cursor) pagination by id: `?cursor=&limit=`, a fixed number of queries per page."""
import base64

import sqlalchemy as sa
from marshmallow import Schema, fields, validate

from app.errors import Unprocessable
from app.extensions import db

MAX_LIMIT = 100


class PageArgs(Schema):
    cursor = fields.String(load_default=None)
    limit = fields.Integer(load_default=20, validate=validate.Range(min=1))


def encode_cursor(value: int) -> str:
    return base64.urlsafe_b64encode(str(value).encode()).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> int | None:
    if not cursor:
        return None
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        return int(base64.urlsafe_b64decode(padded.encode()).decode())
    except (ValueError, UnicodeDecodeError):
        raise Unprocessable(details={"fields": {"cursor": ["无效的游标"]}}) from None


def paginate(stmt: sa.Select, id_col, args: dict, newest_first: bool = True):
    """Run one page of `stmt` ordered by `id_col`; return (rows, next_cursor)."""
    limit = min(int(args.get("limit") or 20), MAX_LIMIT)
    after = decode_cursor(args.get("cursor"))
    if after is not None:
        stmt = stmt.where(id_col < after if newest_first else id_col > after)
    stmt = stmt.order_by(id_col.desc() if newest_first else id_col.asc()).limit(limit + 1)
    rows = list(db.session.scalars(stmt).unique())
    more = len(rows) > limit
    rows = rows[:limit]
    next_cursor = encode_cursor(rows[-1].id) if more and rows else None
    return rows, next_cursor


def page(stmt: sa.Select, id_col, args: dict, newest_first: bool = True) -> dict:
    """One page as the API returns it: `{"items": [...], "next_cursor": ...}`."""
    items, cursor = paginate(stmt, id_col, args, newest_first=newest_first)
    return {"items": items, "next_cursor": cursor}
