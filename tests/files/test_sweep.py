"""Orphans: files uploaded and never attached for 24 hours are deleted by
`flask files sweep-orphans`; attached files and younger uploads stay."""
from datetime import timedelta

import sqlalchemy as sa

from app.common.timeutil import utcnow


def _age(app, file_id, hours):
    from app.extensions import db
    from app.files.models import StoredFile

    with app.app_context():
        db.session.execute(sa.update(StoredFile).where(StoredFile.id == file_id).values(
            created_at=utcnow() - timedelta(hours=hours)))
        db.session.commit()


def _blobs(app):
    from app.extensions import db
    from app.files.models import FileBlob

    with app.app_context():
        return set(db.session.scalars(sa.select(FileBlob.file_id)))


def test_sweep_deletes_old_unattached_files_only(files, app):
    old_orphan = files.photo()
    young_orphan = files.photo()
    old_attached = files.photo()
    files.create_with([old_attached])
    _age(app, old_orphan, 25)
    _age(app, young_orphan, 23)
    _age(app, old_attached, 25)
    result = app.test_cli_runner().invoke(args=["files", "sweep-orphans"])
    assert result.exit_code == 0 and result.output.strip() == "1", result.output
    assert files.stored(old_orphan) is None
    assert files.stored(young_orphan) is not None and files.stored(old_attached) is not None
    assert _blobs(app) == {young_orphan, old_attached}
    assert files.client.get(f"/api/v1/files/{old_orphan}",
                            headers=files.h("demo-resident-1")).status_code == 404
    # An id that was swept cannot be attached any more.
    assert files.create_with([old_orphan], expect=422)["error"]["details"]["file_ids"] == \
        [old_orphan]
    assert app.test_cli_runner().invoke(args=["files", "sweep-orphans"]).output.strip() == "0"


def test_sweep_works_in_batches(files, app):
    from app.files import jobs

    ids = [files.photo() for _ in range(5)]
    for fid in ids:
        _age(app, fid, 48)
    with app.app_context():
        assert jobs.sweep_orphans(batch=2) == 5
    assert all(files.stored(f) is None for f in ids) and _blobs(app) == set()
