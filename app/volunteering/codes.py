"""Rotating on-site check-in codes, derived like TOTP (RFC 6238) from a per-shift secret.

Any number of staff devices showing the QR for a shift compute the same code for the same
minute without talking to each other or to a shared store: the code is a function of the
shift's secret and the time step only. A volunteer's code is accepted for the current and the
previous step, so a code read just before it rotates still works; replays are refused by the
caller, which records each (shift, volunteer, step) it accepts in the database.
"""
import hashlib
import hmac
import secrets
from datetime import datetime

STEP_SECONDS = 60
DIGITS = 6
# How far back an old code is still recognised, to tell "expired" from "wrong".
EXPIRED_LOOKBACK_STEPS = 60


def new_secret() -> str:
    return secrets.token_hex(32)


def step_of(now: datetime) -> int:
    return int(now.timestamp()) // STEP_SECONDS


def code_for(secret: str, step: int) -> str:
    mac = hmac.new(bytes.fromhex(secret), step.to_bytes(8, "big"), hashlib.sha256).digest()
    offset = mac[-1] & 0x0F
    number = int.from_bytes(mac[offset:offset + 4], "big") & 0x7FFFFFFF
    return f"{number % 10 ** DIGITS:0{DIGITS}d}"


def current(secret: str, now: datetime) -> tuple[str, int]:
    """(code, seconds until it rotates)."""
    step = step_of(now)
    return code_for(secret, step), STEP_SECONDS - int(now.timestamp()) % STEP_SECONDS


def match(secret: str, code: str, now: datetime) -> tuple[str, int | None]:
    """("ok", step) for the current or previous step; ("expired", None) for an older code;
    ("invalid", None) otherwise. Comparisons are constant-time."""
    step = step_of(now)
    for candidate in (step, step - 1):
        if hmac.compare_digest(code_for(secret, candidate), code):
            return "ok", candidate
    for candidate in range(step - 2, step - EXPIRED_LOOKBACK_STEPS, -1):
        if hmac.compare_digest(code_for(secret, candidate), code):
            return "expired", None
    return "invalid", None
