"""Files: image and PDF makers, an upload helper, and the demo identities (through `Flow`)."""
import io
import uuid

import pytest
import sqlalchemy as sa
from PIL import Image
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from tests.orders.conftest import Flow

GPS = {1: "N", 2: (31.0, 14.0, 0.0), 3: "E", 4: (121.0, 28.0, 0.0)}


def image_bytes(fmt="JPEG", size=(120, 80), mode="RGB", color=(200, 30, 30), exif=None,
                **save) -> bytes:
    buf = io.BytesIO()
    img = Image.new(mode, size, color if mode != "1" else 0)
    if exif is not None:
        save["exif"] = exif
    img.save(buf, fmt, **save)
    return buf.getvalue()


def phone_photo(size=(120, 80)) -> bytes:
    """A JPEG as a phone takes it: maker, orientation 6 (turned 90°) and a GPS position."""
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    exif[0x0112] = 6
    exif[0x8825] = GPS
    return image_bytes("JPEG", size=size, exif=exif)


def pdf_bytes(body: bytes = b"") -> bytes:
    return (b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n" + body +
            b"\nxref\n0 1\n0000000000 65535 f \ntrailer\n<< /Root 1 0 R >>\n"
            b"startxref\n9\n%%EOF\n")


def post_file(client, headers, data: bytes, filename="photo.jpg", field="file"):
    """POST /files with a multipart body built in memory (the test client would spool a large
    body to a temporary file it never closes)."""
    boundary, body = encode_multipart({field: FileStorage(io.BytesIO(data), filename)})
    return client.post("/api/v1/files", headers=headers or {}, data=body,
                       content_type=f"multipart/form-data; boundary={boundary}")


class Files(Flow):
    def upload(self, who, data: bytes, filename="photo.jpg", expect=201):
        resp = post_file(self.client, self.h(who), data, filename)
        assert resp.status_code == expect, resp.get_json()
        return resp.get_json()

    def photo(self, who="demo-resident-1", data=None) -> int:
        return self.upload(who, data or image_bytes())["id"]

    def create_with(self, photo_ids, who="demo-resident-1", description="楼道灯坏了",
                    code="appliance_repair", expect=201):
        headers = {**self.h(who), "Idempotency-Key": f"files-{uuid.uuid4().hex}"}
        resp = self.client.post("/api/v1/requests", headers=headers, json={
            "category_id": self.category(code), "household_id": self.household(who),
            "description": description, "photo_ids": photo_ids})
        assert resp.status_code == expect, resp.get_json()
        return resp.get_json()

    def bind(self, openid, like="demo-resident-1") -> None:
        """A new user bound (approved) to the household of `like`."""
        from app.auth.models import User
        from app.community.models import HouseholdBinding
        from app.extensions import db

        with self.app.app_context():
            model = db.session.scalar(sa.select(HouseholdBinding).join(
                User, User.id == HouseholdBinding.user_id).where(User.openid == like,
                                                                 HouseholdBinding.status ==
                                                                 "approved"))
            user = User(openid=openid, nickname=openid)
            db.session.add(user)
            db.session.flush()
            db.session.add(HouseholdBinding(
                user_id=user.id, household_id=model.household_id,
                community_id=model.community_id, status="approved"))
            db.session.commit()

    def stored(self, file_id):
        from app.extensions import db
        from app.files.models import StoredFile

        with self.app.app_context():
            file = db.session.get(StoredFile, file_id)
            if file is not None:
                db.session.expunge(file)
            return file

    def run_jobs(self):
        """Jobs queued after commit (with Redis) run here, as a worker would run them."""
        from app.extensions import db
        from app.jobs import resolve

        queue = self.app.extensions.get("rq_queue")
        if queue is None:
            return  # without Redis they already ran inline after the commit
        for job in queue.get_jobs():
            path, *args = job.args
            with self.app.app_context():
                resolve(path)(*args, **job.kwargs)
                db.session.commit()
                db.session.remove()
            job.delete()


@pytest.fixture
def files(client, login, app):
    from app.demo import seed
    from app.extensions import db

    with app.app_context():
        seed(skip=("orders", "feedback", "stats"))
        db.session.commit()
    return Files(client, login, app)
