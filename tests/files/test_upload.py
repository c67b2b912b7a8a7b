"""POST /files: only JPEG, PNG, WebP and PDF, recognised by content; images re-encoded without
EXIF and scaled down; every bad kind refused with 422 `unsupported_file`, too big with 413."""
import hashlib
import io

import pytest
from PIL import Image

from tests.factories import image_bytes, pdf_bytes, phone_photo, post_file

MB = 1024 * 1024


@pytest.mark.parametrize("data,name,content_type", [
    (image_bytes("JPEG"), "a.jpg", "image/jpeg"),
    (image_bytes("PNG", mode="RGBA", color=(0, 0, 255, 128)), "a.png", "image/png"),
    (image_bytes("WEBP"), "a.webp", "image/webp"),
    (pdf_bytes(), "invoice.pdf", "application/pdf"),
    (image_bytes("PNG"), "named-like-a.pdf", "image/png"),  # the name is not what counts
])
def test_accepted_kinds_are_recognised_by_content(files, data, name, content_type):
    out = files.upload("demo-resident-1", data, filename=name)
    assert out["content_type"] == content_type
    body = files.client.get(f"/api/v1/files/{out['id']}", headers=files.h("demo-resident-1"))
    assert body.status_code == 200 and body.mimetype == content_type
    assert out["size"] == len(body.data) and out["sha256"] == hashlib.sha256(body.data).hexdigest()
    if content_type == "application/pdf":
        assert "width" not in out and body.data == data  # PDFs are stored as sent
    else:
        assert (out["width"], out["height"]) == (120, 80)
        assert Image.open(io.BytesIO(body.data)).format == content_type.split("/")[1].upper()


def _gif():
    return image_bytes("GIF", mode="P", color=3)


SVG = (b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)">'
       b'<circle r="4"/></svg>')
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200 + \
    b"This program cannot be run in DOS mode."


def _truncated(fmt):
    data = image_bytes(fmt, size=(400, 300), color=(10, 120, 200))
    return data[: len(data) // 2]


def _bomb(size):
    """A tiny PNG that decodes to `size` pixels (bilevel, so it builds fast)."""
    return image_bytes("PNG", size=size, mode="1")


@pytest.mark.parametrize("data,name", [
    (EXE, "photo.jpg"),                              # a renamed executable
    (SVG, "drawing.svg"),
    (SVG, "drawing.png"),
    (_gif(), "anim.gif"),
    (_gif(), "anim.jpg"),
    (_truncated("JPEG"), "cut.jpg"),
    (_truncated("PNG"), "cut.png"),
    (b"\xff\xd8\xff\xe0" + b"\x00" * 64, "fake.jpg"),  # the magic bytes alone are not enough
    (b"RIFF\x10\x00\x00\x00WEBPVP8 " + b"\x00" * 32, "fake.webp"),
    (_bomb((7000, 7000)), "bomb.png"),               # 49 M pixels: above the 40 M limit
    (_bomb((12000, 12000)), "bomb2.png"),            # 144 M: Pillow's own bomb check
    (b"%PDF-1.4\nno end", "broken.pdf"),
    (pdf_bytes(b"<< /OpenAction << /S /JavaScript /JS (app.alert(1)) >> >>"), "js.pdf"),
    (b"", "empty.jpg"),
])
def test_bad_kinds_get_422_unsupported_file(files, data, name):
    resp = post_file(files.client, files.h("demo-resident-1"), data, name)
    assert resp.status_code == 422, resp.get_json()
    error = resp.get_json()["error"]
    assert error["code"] == "unsupported_file" and error["message"]
    assert _count_files(files.app) == 0


def test_bombs_are_small_files():
    """The bombs above really are decompression bombs: a few KB that decode to 49-144 M pixels."""
    assert len(_bomb((7000, 7000))) < 64 * 1024
    assert len(_bomb((12000, 12000))) < 64 * 1024


def _count_files(app):
    import sqlalchemy as sa

    from app.extensions import db
    from app.files.models import FileBlob, StoredFile

    with app.app_context():
        return (db.session.scalar(sa.select(sa.func.count()).select_from(StoredFile)) +
                db.session.scalar(sa.select(sa.func.count()).select_from(FileBlob)))


def test_exif_and_gps_are_stripped_and_the_photo_turned_upright(files):
    original = Image.open(io.BytesIO(phone_photo()))
    assert original.getexif().get_ifd(0x8825)  # the test photo does carry a position
    out = files.upload("demo-resident-1", phone_photo())
    assert (out["width"], out["height"]) == (80, 120)  # orientation 6 applied, then dropped
    data = files.client.get(f"/api/v1/files/{out['id']}",
                            headers=files.h("demo-resident-1")).data
    stored = Image.open(io.BytesIO(data))
    assert not stored.getexif() and not stored.getexif().get_ifd(0x8825)
    assert "exif" not in stored.info and b"Exif" not in data and b"PhoneMaker" not in data


@pytest.mark.parametrize("fmt,size,scaled", [
    ("PNG", (3000, 1500), (2048, 1024)),
    ("JPEG", (1200, 4096), (600, 2048)),
    ("WEBP", (2049, 100), (2048, 100)),
    ("JPEG", (2048, 2048), (2048, 2048)),
])
def test_longer_side_above_2048_is_scaled_down(files, fmt, size, scaled):
    out = files.upload("demo-resident-1", image_bytes(fmt, size=size))
    assert (out["width"], out["height"]) == scaled
    data = files.client.get(f"/api/v1/files/{out['id']}",
                            headers=files.h("demo-resident-1")).data
    assert Image.open(io.BytesIO(data)).size == scaled


def test_too_big_is_413_in_the_one_error_shape(files):
    data = pdf_bytes(b"%" + b"x" * (5 * MB))
    resp = post_file(files.client, files.h("demo-resident-1"), data, "big.pdf")
    assert resp.status_code == 413
    body = resp.get_json()
    assert set(body) == {"error"} and body["error"]["code"] == "payload_too_large"
    assert body["error"]["message"] and "details" in body["error"]
    assert _count_files(files.app) == 0


def test_file_just_over_5_mb_inside_the_body_cap_is_413(files):
    """The body cap leaves room for the multipart envelope; the file itself must fit 5 MB."""
    data = pdf_bytes(b"%" + b"x" * (5 * MB - len(pdf_bytes()) + 10))
    assert 5 * MB < len(data) < 5 * MB + 1024
    files.upload("demo-resident-1", data, filename="big.pdf", expect=413)


def test_only_the_upload_takes_5_mb_every_other_route_keeps_64_kb(files):
    near_limit = pdf_bytes(b"%" + b"x" * (5 * MB - 4096))
    assert files.upload("demo-resident-1", near_limit, filename="scan.pdf")["size"] == \
        len(near_limit)
    big_json = {"category_id": files.category("appliance_repair"),
                "household_id": files.household("demo-resident-1"),
                "description": "x" * (65 * 1024)}
    resp = files.client.post("/api/v1/requests", headers=files.keyed("demo-resident-1"),
                             json=big_json)
    assert resp.status_code == 413 and resp.get_json()["error"]["code"] == "payload_too_large"
    resp = files.client.post("/api/v1/wechat/callback?signature=x&timestamp=1&nonce=1",
                             data=b"{" + b" " * (65 * 1024) + b"}",
                             content_type="application/json")
    assert resp.status_code in (403, 413)


def test_upload_needs_a_token_before_the_body_is_read(files):
    resp = post_file(files.client, None, pdf_bytes(b"%" + b"x" * MB), "a.pdf")
    assert resp.status_code == 401 and resp.get_json()["error"]["code"] == "unauthorized"
    resp = post_file(files.client, files.h("demo-resident-1"), pdf_bytes(), "a.pdf",
                     field="other")
    assert resp.status_code == 422


def test_uploads_have_their_own_rate_limit_per_user(files, app, monkeypatch):
    monkeypatch.setitem(app.config, "UPLOAD_RATE_LIMIT", "2 per minute")
    files.photo("demo-resident-1")
    files.photo("demo-resident-1")
    resp = files.upload("demo-resident-1", image_bytes(), expect=429)
    assert resp["error"]["code"] == "rate_limited"
    files.photo("demo-resident-2")  # counted per user
