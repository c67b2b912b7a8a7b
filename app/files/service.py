"""Files: checked by content, re-encoded, stored, attached to records, served by signed URL.

Other domains use three things:

- `attach(file_ids, uploader_id=..., record_type="request", record_id=...)` in the transaction
  that creates or moves their record: each file must be the uploader's own and not yet attached
  (else 422, nothing attached).
- `register_visibility("request", fn)`, where `fn(user, record_id) -> bool` says whether the
  user may see that record; a file is readable by whoever may see its record, and always by its
  uploader. Files never import the domains.
- `refs(...)`/`refs_for_many(...)`: `[{id, url}]` for a record, each url signed for the viewer
  and valid for 10 minutes, so `<image src>` and `<img>` work without a Bearer header;
  `ids_column(...)` puts each record's file ids in a list's own query, `refs_from_ids` signs them.

Attached images are screened by WeChat's image check (`mediaCheckAsync`) after commit; a
rejected photo is hidden from everyone and its uploader told.
"""
import base64
import hashlib
import hmac
import io
import logging
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app
from PIL import Image, ImageOps

from app.auth.models import User
from app.common.timeutil import utcnow
from app.errors import ApiError, Forbidden, NotFound, Unprocessable
from app.extensions import db
from app.files import storage
from app.files.models import StoredFile
from app.jobs import after_commit
from app.notifications.service import notify
from app.wechat import WeChatError, WeChatUnavailable, get_client, push

log = logging.getLogger(__name__)

MAX_BYTES = 5 * 1024 * 1024
UPLOAD_BODY_LIMIT = MAX_BYTES + 64 * 1024  # the file plus its multipart envelope
MAX_SIDE = 2048
# Larger images are refused before they are decoded (a decompression bomb is a few KB that
# decodes to gigabytes); Pillow itself refuses anything above twice this while opening.
MAX_PIXELS = 40_000_000
Image.MAX_IMAGE_PIXELS = MAX_PIXELS
URL_TTL = 600
CHECK_URL_TTL = 3600  # WeChat fetches the photo for its check some time after the request
CHECKER = 0  # the `u` of URLs made for WeChat's image check (user ids start at 1)
ORPHAN_AGE = timedelta(hours=24)
RECHECK_AFTER = timedelta(hours=1)
URL_PATH = "/api/v1/files/{id}"

FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp",
           "PDF": "application/pdf"}
VERDICTS = {"pass": "passed", "review": "review", "risky": "rejected"}
# Active PDF content (scripts, launching programs, embedded files) is refused.
PDF_ACTIVE = re.compile(rb"/(?:JavaScript|JS|Launch|EmbeddedFiles?)(?![A-Za-z0-9])")

Visibility = Callable[[User, int], bool]
_VISIBILITY: dict[str, Visibility] = {}


class UnsupportedFile(ApiError):
    status, code, message = 422, "unsupported_file", "仅支持 JPEG、PNG、WebP 图片或 PDF 文件"


class FileTooLarge(ApiError):
    status, code, message = 413, "payload_too_large", "文件不能超过 5 MB"


# -- checking by content ----------------------------------------------------------------
@dataclass
class Cleaned:
    data: bytes
    content_type: str
    width: int | None = None
    height: int | None = None


def sniff(data: bytes) -> str | None:
    """The format the first bytes announce (JPEG, PNG, WEBP, PDF), whatever the file's name."""
    if data.startswith(b"\xff\xd8\xff"):
        return "JPEG"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "PNG"
    if len(data) >= 12 and data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "WEBP"
    if data.startswith(b"%PDF-"):
        return "PDF"
    return None


def clean(data: bytes) -> Cleaned:
    """Accept a JPEG, PNG, WebP (decoded and re-encoded) or PDF (checked); else 422."""
    if len(data) > MAX_BYTES:
        raise FileTooLarge(details={"max_bytes": MAX_BYTES})
    fmt = sniff(data)
    if fmt is None:
        raise UnsupportedFile(details={"reason": "unknown_type"})
    if fmt == "PDF":
        _check_pdf(data)
        return Cleaned(data=data, content_type=FORMATS[fmt])
    return _reencode(data, fmt)


def _check_pdf(data: bytes) -> None:
    """A minimal parse: the header, a cross-reference pointer and the end marker; no active
    content."""
    tail = data[-2048:]
    if not re.match(rb"%PDF-[12]\.\d", data[:16]) or b"startxref" not in tail \
            or b"%%EOF" not in tail:
        raise UnsupportedFile(details={"reason": "malformed_pdf"})
    if PDF_ACTIVE.search(data):
        raise UnsupportedFile(details={"reason": "active_content"})


def _reencode(data: bytes, fmt: str) -> Cleaned:
    """Decode fully (truncated or malformed images fail here), turn the image upright by its
    EXIF orientation, scale the longer side down to 2,048 px, and encode it again with no
    EXIF, XMP or text chunks: a phone photo's GPS position does not survive."""
    try:
        with Image.open(io.BytesIO(data), formats=[fmt]) as img:
            if img.width * img.height > MAX_PIXELS:
                raise UnsupportedFile(details={"reason": "too_many_pixels"})
            if fmt == "JPEG":
                img.draft(None, (MAX_SIDE, MAX_SIDE))  # decode at a reduced scale when large
            img.load()
            icc = img.info.get("icc_profile")
            transparency = img.info.get("transparency")
            out = _upright(img)
    except ApiError:
        raise
    except Exception as exc:  # Pillow raises many kinds on bad input; all mean "not an image"
        log.info("image refused error=%s", type(exc).__name__)
        raise UnsupportedFile(details={"reason": "undecodable"}) from None
    out.info = {"transparency": transparency} if transparency is not None else {}
    if max(out.size) > MAX_SIDE:
        out.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.LANCZOS)
    buf = io.BytesIO()
    options: dict = {"icc_profile": icc} if icc else {}
    if fmt == "JPEG":
        if out.mode not in ("RGB", "L"):
            out = out.convert("RGB")
        out.save(buf, "JPEG", quality=85, optimize=True, **options)
    elif fmt == "PNG":
        if out.mode not in ("1", "L", "LA", "P", "RGB", "RGBA", "I", "I;16"):
            out = out.convert("RGBA")
        out.save(buf, "PNG", optimize=True, **options)
    else:
        if out.mode not in ("RGB", "RGBA"):
            out = out.convert("RGBA" if out.has_transparency_data else "RGB")
        out.save(buf, "WEBP", quality=85, **options)
    return Cleaned(data=buf.getvalue(), content_type=FORMATS[fmt], width=out.width,
                   height=out.height)


def _upright(img: Image.Image) -> Image.Image:
    try:
        return ImageOps.exif_transpose(img)
    except Exception:  # an unreadable orientation tag: keep the pixels as they are
        return img.copy()


# -- upload ------------------------------------------------------------------------------
def upload(uploader_id: int, data: bytes) -> StoredFile:
    """Check, clean and store one upload; unattached until a record claims it."""
    cleaned = clean(data)
    file = StoredFile(uploader_id=uploader_id, content_type=cleaned.content_type,
                      size=len(cleaned.data), sha256=hashlib.sha256(cleaned.data).hexdigest(),
                      width=cleaned.width, height=cleaned.height, check_status="none",
                      created_at=utcnow())
    db.session.add(file)
    db.session.flush()
    storage.writer().put(file, cleaned.data)
    db.session.flush()
    log.info("file stored id=%s type=%s bytes=%s by=%s", file.id, file.content_type,
             file.size, uploader_id)
    return file


def describe(file: StoredFile) -> dict:
    out = {"id": file.id, "content_type": file.content_type, "size": file.size,
           "sha256": file.sha256}
    if file.width is not None:
        out.update(width=file.width, height=file.height)
    return out


# -- attaching ---------------------------------------------------------------------------
def register_visibility(record_type: str, fn: Visibility) -> None:
    """`fn(user, record_id) -> bool`: may this user see that record (and so its files)?"""
    _VISIBILITY[record_type] = fn


def attach(file_ids: Iterable[int], *, uploader_id: int, record_type: str, record_id: int,
           field: str = "photo_ids") -> list[StoredFile]:
    """Attach the uploader's own unattached files to a record, all or none (422 naming the
    refused ids). One conditional UPDATE: two records racing for one file cannot both win."""
    ids = list(dict.fromkeys(file_ids or []))
    if not ids:
        return []
    if record_type not in _VISIBILITY:
        raise ValueError(f"no visibility registered for {record_type!r}")
    now = utcnow()
    moved = db.session.execute(
        sa.update(StoredFile)
        .where(StoredFile.id.in_(ids), StoredFile.uploader_id == uploader_id,
               StoredFile.record_type.is_(None), StoredFile.check_status != "rejected")
        .values(record_type=record_type, record_id=record_id, attached_at=now)
        .execution_options(synchronize_session=False)).rowcount
    if moved != len(ids):
        ok = set(db.session.scalars(sa.select(StoredFile.id).where(
            StoredFile.id.in_(ids), StoredFile.record_type == record_type,
            StoredFile.record_id == record_id)))
        refused = [i for i in ids if i not in ok]
        raise Unprocessable("invalid_file", "文件不存在、已被使用或不属于您", details={
            "fields": {field: [f"无法使用的文件：{', '.join(map(str, refused))}"]},
            "file_ids": refused})
    files = list(db.session.scalars(
        sa.select(StoredFile).where(StoredFile.id.in_(ids)).order_by(StoredFile.id)
        .execution_options(populate_existing=True)))
    for file in files:
        if file.is_image:  # others will see it: WeChat's image check, after commit
            after_commit(request_check, file.id)
    return files


def files_for(record_type: str, record_id: int) -> list[StoredFile]:
    """The record's files, oldest first, without those the image check rejected."""
    return files_for_many(record_type, [record_id]).get(record_id, [])


def files_for_many(record_type: str, record_ids: Iterable[int]) -> dict[int, list[StoredFile]]:
    ids = list(record_ids)
    out: dict[int, list[StoredFile]] = {}
    if not ids:
        return out
    rows = db.session.scalars(sa.select(StoredFile).where(
        StoredFile.record_type == record_type, StoredFile.record_id.in_(ids),
        StoredFile.check_status != "rejected").order_by(StoredFile.id))
    for file in rows:
        out.setdefault(file.record_id, []).append(file)
    return out


def ids_column(record_type: str, record_id) -> sa.ColumnElement:
    """A column for a query of records: the ids of each record's files, as `files_for` would
    list them, comma-separated (NULL without files). `record_id`: the records' id column.
    Read back with `refs_from_ids`; a page's photos then cost no query of their own."""
    return (sa.select(sa.func.aggregate_strings(sa.cast(StoredFile.id, sa.String), ","))
            .where(StoredFile.record_type == record_type, StoredFile.record_id == record_id,
                   StoredFile.check_status != "rejected")
            .scalar_subquery())


def refs_from_ids(ids: str | None, viewer_id: int) -> list[dict]:
    """`[{id, url}]` from an `ids_column` value, oldest first, each url signed for the viewer."""
    if not ids:
        return []
    return [ref(file_id, viewer_id) for file_id in sorted(int(i) for i in ids.split(","))]


def refs(record_type: str, record_id: int, viewer_id: int) -> list[dict]:
    """`[{id, url}]` of a record's files, each url signed for this viewer."""
    return [ref(f.id, viewer_id) for f in files_for(record_type, record_id)]


def refs_for_many(record_type: str, record_ids: Iterable[int],
                  viewer_id: int) -> dict[int, list[dict]]:
    """Like `refs` for a page of records, in one query."""
    return {rid: [ref(f.id, viewer_id) for f in files]
            for rid, files in files_for_many(record_type, record_ids).items()}


def ref(file_id: int, viewer_id: int) -> dict:
    return {"id": file_id, "url": signed_url(file_id, viewer_id)}


# -- signed URLs -------------------------------------------------------------------------
def _mac(file_id: int, user_id: int, exp: int) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    msg = f"llt-file-url:{file_id}:{user_id}:{exp}".encode()
    digest = hmac.new(key, msg, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def signed_url(file_id: int, user_id: int, ttl: int = URL_TTL) -> str:
    """`/api/v1/files/<id>?exp=&u=&sig=`: for this user only, until `exp` (unix seconds)."""
    exp = int(utcnow().timestamp()) + ttl
    return (URL_PATH.format(id=file_id) +
            f"?exp={exp}&u={user_id}&sig={_mac(file_id, user_id, exp)}")


def verify_url(file_id: int, exp: int | None, user_id: int | None, sig: str | None) -> int:
    """The user id the URL was signed for; 403 when tampered with or expired."""
    if exp is None or user_id is None or not sig or \
            not hmac.compare_digest(_mac(file_id, user_id, exp).encode(), sig.encode()):
        raise Forbidden("invalid_signature", "链接无效")
    if exp < utcnow().timestamp():
        raise Forbidden("link_expired", "链接已过期，请刷新页面")
    return user_id


# -- reading -----------------------------------------------------------------------------
def can_read(file: StoredFile, user: User | None) -> bool:
    """`user` None is WeChat's image check, which may fetch attached photos."""
    if file.check_status == "rejected":
        return False
    if user is None:
        return file.record_type is not None
    if file.uploader_id == user.id:
        return True
    if file.record_type is None:
        return False
    visible = _VISIBILITY.get(file.record_type)
    return bool(visible and visible(user, file.record_id))


def get_readable(file_id: int, user: User | None) -> StoredFile:
    """The file, or 404 — also when the reader may not see it (existence does not leak)."""
    file = db.session.get(StoredFile, file_id)
    if file is None or not can_read(file, user):
        raise NotFound(message="文件不存在")
    return file


def content(file: StoredFile) -> Iterable[bytes]:
    return storage.for_file(file).read(file)


# -- WeChat's image check ----------------------------------------------------------------
def request_check(file_id: int) -> None:
    """Job (after the attaching commit): ask WeChat to check an attached photo. The fake client
    answers at once; WeChat answers later at `/wechat/callback`. Failing here leaves the photo
    shown and unchecked; `flask files check-photos` asks again."""
    claimed = db.session.execute(
        sa.update(StoredFile)
        .where(StoredFile.id == file_id, StoredFile.record_type.is_not(None),
               StoredFile.content_type.like("image/%"),
               sa.or_(StoredFile.check_status == "none",
                      sa.and_(StoredFile.check_status == "pending",
                              StoredFile.checked_at < utcnow() - RECHECK_AFTER)))
        .values(check_status="pending", checked_at=utcnow())
        .execution_options(synchronize_session=False)).rowcount
    if not claimed:
        return
    file = db.session.get(StoredFile, file_id, populate_existing=True)
    base = current_app.config.get("PUBLIC_BASE_URL") or (
        "http://localhost" if current_app.config["WECHAT_MODE"] == "fake" else "")  # not fetched
    uploader = db.session.get(User, file.uploader_id)
    try:
        if not base:
            log.warning("image check skipped: PUBLIC_BASE_URL is not set")
            raise WeChatUnavailable()
        check = get_client().media_check_async(
            base.rstrip("/") + signed_url(file.id, CHECKER, ttl=CHECK_URL_TTL), uploader.openid)
    except (WeChatError, WeChatUnavailable) as err:
        log.warning("image check not started file=%s code=%s", file.id, err.code)
        file.check_status, file.checked_at = "none", None
        return
    file.check_trace_id = check.trace_id
    db.session.flush()
    if check.verdict is not None:
        apply_verdict(check.trace_id, check.verdict.suggest)


def apply_verdict(trace_id: str, suggest: str | None) -> bool:
    """Record WeChat's verdict on a pending check, once. A rejected photo is hidden from
    everyone and its uploader told. False when nothing was pending under that trace id."""
    status = VERDICTS.get(suggest or "")
    if status is None or not trace_id:
        log.info("image check verdict ignored suggest=%r", suggest)
        return False
    moved = db.session.execute(
        sa.update(StoredFile)
        .where(StoredFile.check_trace_id == trace_id, StoredFile.check_status == "pending")
        .values(check_status=status, checked_at=utcnow())
        .execution_options(synchronize_session=False)).rowcount
    if not moved:
        return False
    file = db.session.scalar(sa.select(StoredFile).where(StoredFile.check_trace_id == trace_id))
    db.session.refresh(file)
    log.info("image check done file=%s status=%s", file.id, status)
    if status == "rejected":
        notify(file.uploader_id, "photo_rejected", "图片未通过审核",
               "您上传的一张图片含有不当内容，已被隐藏", f"{file.record_type}:{file.record_id}")
    return True


def _on_media_check(message: dict) -> None:
    """`wxa_media_check` push: `{trace_id, result: {suggest, label}, errcode, appid, ...}`."""
    appid = current_app.config.get("WECHAT_APPID")
    if appid and message.get("appid") not in (None, appid):
        log.warning("image check verdict for another appid ignored")
        return
    if message.get("errcode") not in (None, 0):
        log.info("image check failed at WeChat: errcode=%s", message.get("errcode"))
        return
    result = message.get("result") if isinstance(message.get("result"), dict) else {}
    trace_id = message.get("trace_id")
    apply_verdict(trace_id if isinstance(trace_id, str) else "", result.get("suggest"))


push.register_handler("wxa_media_check", _on_media_check)


def photos_to_check(limit: int = 500) -> list[int]:
    """Attached photos whose check never started or never answered (`app.files.jobs`
    asks again)."""
    return list(db.session.scalars(sa.select(StoredFile.id).where(
        StoredFile.record_type.is_not(None), StoredFile.content_type.like("image/%"),
        sa.or_(StoredFile.check_status == "none",
               sa.and_(StoredFile.check_status == "pending",
                       StoredFile.checked_at < utcnow() - RECHECK_AFTER)))
        .order_by(StoredFile.id).limit(limit)))


# -- orphans -----------------------------------------------------------------------------
def orphan_cutoff(now=None):
    """Files uploaded before this and never attached are orphans."""
    return (now or utcnow()) - ORPHAN_AGE


def delete_orphans(cutoff, batch: int) -> tuple[int, list[tuple[int, str | None]]]:
    """Delete up to `batch` orphans (the contents kept in the database with them); flushes.
    One conditional DELETE: an attach racing it either wins (the file stays) or finds the file
    gone (422). Returns how many, and the S3 objects to delete once this is committed."""
    candidates = (sa.select(StoredFile.id)
                  .where(StoredFile.record_type.is_(None), StoredFile.created_at < cutoff)
                  .order_by(StoredFile.id).limit(batch).scalar_subquery())
    rows = db.session.execute(
        sa.delete(StoredFile)
        .where(StoredFile.id.in_(candidates), StoredFile.record_type.is_(None))
        .returning(StoredFile.id, StoredFile.storage, StoredFile.storage_key)
        .execution_options(synchronize_session=False)).all()
    by_storage: dict[str, list[tuple[int, str | None]]] = {}
    for r in rows:
        by_storage.setdefault(r.storage, []).append((r.id, r.storage_key))
    if "db" in by_storage:  # cascaded on PostgreSQL; SQLite may not enforce the key
        storage.for_name("db").delete(by_storage["db"])
    return len(rows), by_storage.get("s3", [])
