"""The app exactly as `wsgi:app` serves it, plus the bench's readiness mark."""
from bench.ready import mark
from wsgi import app

mark()

__all__ = ["app"]
