"""Entry point of the RQ workers (`rq worker linlitong`): each job runs inside an app context
of its own and commits what it did; the job functions flush, like every service."""
from app import create_app
from app.extensions import db
from app.jobs import resolve

_app = None


def run_job(path: str, *args, **kwargs):
    global _app
    if _app is None:
        _app = create_app()
    with _app.app_context():
        try:
            result = resolve(path)(*args, **kwargs)
            db.session.commit()
            return result
        finally:
            db.session.remove()
