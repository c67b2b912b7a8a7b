"""Files: the demo identities (through `Flow`) with uploads; the image and PDF makers live in
tests/factories.py."""
import uuid

import pytest

from tests.factories import Flow, image_bytes, post_file, seed_demo


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
        self.bind_like(openid, like)

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
    seed_demo(app)
    return Files(client, login, app)
