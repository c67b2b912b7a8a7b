"""Logging that never carries secrets or full phone numbers.

Redaction happens where records are made (a log-record factory), so every handler — ours,
gunicorn's, a test's — only ever sees the redacted text.
"""
import logging
import re

PHONE = re.compile(r"(?<!\d)(1\d{2})\d{4}(\d{4})(?!\d)")
SECRET = re.compile(r"(session_key|access_token|secret|token)([\"']?\s*[:=]\s*[\"']?)[^\s\"'&,}]+",
                    re.IGNORECASE)


def redact(text: str) -> str:
    return SECRET.sub(r"\1\2***", PHONE.sub(r"\1****\2", text))


def _install_factory() -> None:
    base = logging.getLogRecordFactory()
    if getattr(base, "redacting", False):
        return

    def factory(*args, **kwargs):
        record = base(*args, **kwargs)
        try:
            record.msg = redact(record.getMessage())
            record.args = None
        except Exception:  # a malformed log call must not break the request
            record.msg, record.args = redact(str(record.msg)), None
        return record

    factory.redacting = True
    logging.setLogRecordFactory(factory)


def configure_logging(level: int = logging.INFO) -> None:
    _install_factory()
    root = logging.getLogger()
    if not root.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
        root.addHandler(handler)
    root.setLevel(level)
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)
