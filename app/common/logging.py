"""Logging that never carries secrets or full phone numbers.

Redaction happens where records are made (a log-record factory), so every handler — ours,
gunicorn's, a test's — only ever sees the redacted text.
"""
import json
import logging
import re
from contextvars import ContextVar
from datetime import UTC, datetime

PHONE = re.compile(r"(?<!\d)(1\d{2})\d{4}(\d{4})(?!\d)")
SECRET = re.compile(r"(session_key|access_token|secret|token)([\"']?\s*[:=]\s*[\"']?)[^\s\"'&,}]+",
                    re.IGNORECASE)


# The id of the request being served (app/web/observe.py sets it), on every log record.
REQUEST_ID: ContextVar[str] = ContextVar("llt_request_id", default="-")


def redact(text: str) -> str:
    return SECRET.sub(r"\1\2***", PHONE.sub(r"\1****\2", text))


def _install_factory() -> None:
    base = logging.getLogRecordFactory()
    if getattr(base, "redacting", False):
        return

    def factory(*args, **kwargs):
        record = base(*args, **kwargs)
        record.request_id = REQUEST_ID.get()
        try:
            record.msg = redact(record.getMessage())
            record.args = None
        except Exception:  # a malformed log call must not break the request
            record.msg, record.args = redact(str(record.msg)), None
        return record

    factory.redacting = True
    logging.setLogRecordFactory(factory)


class JsonFormatter(logging.Formatter):
    """One JSON object a line: time, level, logger, request id, message (redacted already by
    the record factory) and, for an exception, its redacted traceback."""

    def format(self, record: logging.LogRecord) -> str:
        out = {"ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
               "level": record.levelname, "logger": record.name,
               "request_id": getattr(record, "request_id", "-"), "msg": record.getMessage()}
        if record.exc_info:
            out["exc"] = redact(self.formatException(record.exc_info))
        return json.dumps(out, ensure_ascii=False)


def formatter(kind: str | None = None) -> logging.Formatter:
    """`LOG_FORMAT`: json (gunicorn's default, see gunicorn.conf.py) or text."""
    import os

    if (kind or os.environ.get("LOG_FORMAT", "text")) == "json":
        return JsonFormatter()
    return logging.Formatter("%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s",
                             defaults={"request_id": "-"})


def configure_logging(level: int = logging.INFO) -> None:
    _install_factory()
    root = logging.getLogger()
    if not root.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(formatter())
        root.addHandler(handler)
    root.setLevel(level)
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)
