"""Where file bytes live: behind one small interface, so that every process and host sees the
same files and nothing lives only on one machine's disk.

- `DatabaseStorage` (default): a `file_blobs` row (`bytea`) next to the file's metadata, in the
  same transaction; backups, replicas and every worker see it with no extra service.
- `S3Storage`: an S3-compatible bucket (AWS S3, MinIO, Tencent COS, ...) when `FILES_S3_BUCKET`
  is set; objects are written before the metadata commits (an unreferenced object is harmless).

Each file remembers where it was stored, so turning S3 on later leaves older files readable.
"""
import logging
import uuid
from collections.abc import Iterable, Iterator

import sqlalchemy as sa
from flask import current_app

from app.errors import ApiError
from app.extensions import db
from app.files.models import FileBlob, StoredFile

log = logging.getLogger(__name__)
CHUNK = 64 * 1024


class StorageUnavailable(ApiError):
    status, code, message = 503, "storage_unavailable", "文件存储暂时不可用，请稍后再试"


class DatabaseStorage:
    name = "db"

    def put(self, file: StoredFile, data: bytes) -> None:
        file.storage, file.storage_key = self.name, None
        db.session.add(FileBlob(file_id=file.id, data=data))

    def read(self, file: StoredFile) -> Iterable[bytes]:
        data = db.session.scalar(sa.select(FileBlob.data).where(FileBlob.file_id == file.id))
        if data is None:
            raise StorageUnavailable()
        return [bytes(data)]

    def delete(self, items: Iterable[tuple[int, str | None]]) -> None:
        """In the caller's transaction. `items`: (file id, storage key) pairs."""
        ids = [file_id for file_id, _ in items]
        if ids:
            db.session.execute(sa.delete(FileBlob).where(FileBlob.file_id.in_(ids)))


class S3Storage:
    name = "s3"

    def __init__(self, client, bucket: str, prefix: str = "files/"):
        self.client, self.bucket, self.prefix = client, bucket, prefix

    @classmethod
    def from_config(cls, cfg) -> "S3Storage":
        import boto3
        from botocore.config import Config

        client = boto3.client(
            "s3",
            endpoint_url=cfg.get("FILES_S3_ENDPOINT_URL") or None,
            region_name=cfg.get("FILES_S3_REGION") or None,
            aws_access_key_id=cfg.get("FILES_S3_ACCESS_KEY_ID") or None,
            aws_secret_access_key=cfg.get("FILES_S3_SECRET_ACCESS_KEY") or None,
            config=Config(connect_timeout=3, read_timeout=10,
                          retries={"max_attempts": 2, "mode": "standard"}),
        )
        return cls(client, cfg["FILES_S3_BUCKET"], cfg.get("FILES_S3_PREFIX") or "")

    def put(self, file: StoredFile, data: bytes) -> None:
        from botocore.exceptions import BotoCoreError, ClientError

        key = f"{self.prefix}{file.id}-{uuid.uuid4().hex}"
        try:
            self.client.put_object(Bucket=self.bucket, Key=key, Body=data,
                                   ContentType=file.content_type)
        except (BotoCoreError, ClientError) as err:
            log.warning("s3 put failed error=%s", type(err).__name__)
            raise StorageUnavailable() from None
        file.storage, file.storage_key = self.name, key

    def read(self, file: StoredFile) -> Iterator[bytes]:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            body = self.client.get_object(Bucket=self.bucket, Key=file.storage_key)["Body"]
        except (BotoCoreError, ClientError) as err:
            log.warning("s3 get failed file=%s error=%s", file.id, type(err).__name__)
            raise StorageUnavailable() from None
        return _stream(body)

    def delete(self, items: Iterable[tuple[int, str | None]]) -> None:
        """After the rows are gone: a failure leaves unreferenced objects, logged, harmless."""
        from botocore.exceptions import BotoCoreError, ClientError

        keys = [{"Key": key} for _, key in items if key]
        for start in range(0, len(keys), 1000):
            try:
                self.client.delete_objects(Bucket=self.bucket, Delete={
                    "Objects": keys[start:start + 1000], "Quiet": True})
            except (BotoCoreError, ClientError) as err:
                log.warning("s3 delete failed objects=%s error=%s", len(keys[start:start + 1000]),
                            type(err).__name__)


def _stream(body) -> Iterator[bytes]:
    try:
        yield from body.iter_chunks(CHUNK)
    finally:
        body.close()


def writer():
    """The storage new files go to."""
    return for_name("s3" if current_app.config.get("FILES_S3_BUCKET") else "db")


def for_file(file: StoredFile):
    return for_name(file.storage)


def for_name(name: str):
    key = f"file_storage:{name}"
    storage = current_app.extensions.get(key)
    if storage is None:
        storage = S3Storage.from_config(current_app.config) if name == "s3" \
            else DatabaseStorage()
        current_app.extensions[key] = storage
    return storage
