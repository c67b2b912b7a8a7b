"""The S3-compatible store (when FILES_S3_BUCKET is set), against botocore's Stubber: nothing
leaves the process. Files stored in the database before stay readable."""
import io

import boto3
import pytest
from botocore.response import StreamingBody
from botocore.stub import ANY, Stubber

from tests.factories import image_bytes

BUCKET = "llt-files"


@pytest.fixture
def s3(app, monkeypatch):
    from app.files.storage import S3Storage

    client = boto3.client("s3", region_name="us-east-1", aws_access_key_id="test-key",
                          aws_secret_access_key="test-secret")
    stub = Stubber(client)

    def enable():
        monkeypatch.setitem(app.config, "FILES_S3_BUCKET", BUCKET)
        monkeypatch.setitem(app.extensions, "file_storage:s3",
                            S3Storage(client, BUCKET, "files/"))
        stub.activate()
        return stub

    yield enable
    stub.deactivate()


def _blob_count(app):
    from app.files.models import FileBlob

    return _count(app, FileBlob)


def _count(app, model=None):
    import sqlalchemy as sa

    from app.extensions import db
    from app.files.models import StoredFile

    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(model or StoredFile))


def test_upload_read_and_sweep_through_s3(files, app, s3):
    from datetime import timedelta

    import sqlalchemy as sa

    from app.common.timeutil import utcnow
    from app.extensions import db
    from app.files.models import StoredFile

    in_db = files.photo("demo-resident-1")               # before S3 was configured
    stub = s3()
    stub.add_response("put_object", {"ETag": '"e"'}, {
        "Bucket": BUCKET, "Key": ANY, "Body": ANY, "ContentType": "image/png"})
    out = files.upload("demo-resident-1", image_bytes("PNG"), filename="a.png")
    stored = files.stored(out["id"])
    assert stored.storage == "s3" and stored.storage_key.startswith(f"files/{out['id']}-")
    assert _blob_count(app) == 1                          # only the earlier file's bytes

    data = b"\x89PNG stored bytes"
    stub.add_response("get_object", {"Body": StreamingBody(io.BytesIO(data), len(data)),
                                     "ContentLength": len(data)},
                      {"Bucket": BUCKET, "Key": stored.storage_key})
    resp = files.client.get(f"/api/v1/files/{out['id']}", headers=files.h("demo-resident-1"))
    assert resp.status_code == 200 and resp.data == data and resp.mimetype == "image/png"
    old = files.client.get(f"/api/v1/files/{in_db}", headers=files.h("demo-resident-1"))
    assert old.status_code == 200 and old.mimetype == "image/jpeg"   # still from the database

    with app.app_context():
        db.session.execute(sa.update(StoredFile).values(created_at=utcnow() - timedelta(days=2)))
        db.session.commit()
    stub.add_response("delete_objects", {"Deleted": [{"Key": stored.storage_key}]}, {
        "Bucket": BUCKET, "Delete": {"Objects": [{"Key": stored.storage_key}], "Quiet": True}})
    assert app.test_cli_runner().invoke(args=["files", "sweep-orphans"]).output.strip() == "2"
    stub.assert_no_pending_responses()
    assert _blob_count(app) == 0


def test_s3_outage_is_503_and_writes_nothing(files, app, s3):
    stub = s3()
    stub.add_client_error("put_object", service_error_code="ServiceUnavailable",
                          http_status_code=503)
    resp = files.upload("demo-resident-1", image_bytes("JPEG"), expect=503)
    assert resp["error"]["code"] == "storage_unavailable"
    assert _count(app) == 0 and _blob_count(app) == 0
    stub.assert_no_pending_responses()


def test_storage_is_built_from_the_configuration(app, monkeypatch):
    from app.files import storage

    monkeypatch.setitem(app.config, "FILES_S3_BUCKET", "b")
    monkeypatch.setitem(app.config, "FILES_S3_ENDPOINT_URL", "https://cos.example.com")
    monkeypatch.setitem(app.config, "FILES_S3_REGION", "ap-shanghai")
    monkeypatch.setitem(app.config, "FILES_S3_ACCESS_KEY_ID", "id")
    monkeypatch.setitem(app.config, "FILES_S3_SECRET_ACCESS_KEY", "secret")
    monkeypatch.delitem(app.extensions, "file_storage:s3", raising=False)
    with app.app_context():
        s3 = storage.writer()
        assert isinstance(s3, storage.S3Storage) and s3.bucket == "b"
        assert s3.client.meta.endpoint_url == "https://cos.example.com"
        assert s3.client.meta.region_name == "ap-shanghai"
        monkeypatch.setitem(app.config, "FILES_S3_BUCKET", "")
        assert isinstance(storage.writer(), storage.DatabaseStorage)
    app.extensions.pop("file_storage:s3", None)
