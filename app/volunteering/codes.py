"""Rotating on-site check-in codes, derived like TOTP (RFC 6238) from a per-shift secret.

Any number of staff devices showing the QR for a shift compute the same code for the same
minute without talking to each other or to a shared store: the code is a function of the
shift's secret and the time step only. A volunteer's code is accepted for the current and the
previous step, so a code read just before it rotates still works; replays are refused by the
caller, which records each (shift, volunteer, step) it accepts in the database.

The code proves only that someone saw the QR within the last two minutes, not where: a photo
of it works from home. Personal passes (below) are the proof of presence: staff on site scan
the volunteer's own single-use QR.
"""
import base64
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
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
    ("invalid", None) otherwise, and for anything but six ASCII digits. Comparisons are
    constant-time."""
    if not (len(code) == DIGITS and code.isascii() and code.isdigit()):
        return "invalid", None
    step = step_of(now)
    for candidate in (step, step - 1):
        if hmac.compare_digest(code_for(secret, candidate), code):
            return "ok", candidate
    for candidate in range(step - 2, step - EXPIRED_LOOKBACK_STEPS, -1):
        if hmac.compare_digest(code_for(secret, candidate), code):
            return "expired", None
    return "invalid", None


# -- personal passes ---------------------------------------------------------------------
# A volunteer's own QR, scanned by staff on site: `<shift>.<user>.<kind>.<expires>.<nonce>.<mac>`.
# The MAC (HMAC-SHA256 under the shift's secret, with a label of its own so it can never be
# mistaken for a check-in code) binds the pass to one shift, one volunteer, one kind (`in` or
# `out`) and one expiry; the nonce makes each pass single-use, which the caller enforces by
# recording it in the database.
PASS_SECONDS = 60
PASS_KINDS = ("in", "out")
_PASS_FORMAT = re.compile(
    r"([0-9]{1,12})\.([0-9]{1,12})\.(in|out)\.([0-9]{1,12})\.([A-Za-z0-9_-]{22})"
    r"\.([A-Za-z0-9_-]{22})", re.ASCII)


@dataclass(frozen=True)
class PassClaim:
    shift_id: int
    user_id: int
    kind: str
    expires: int  # Unix seconds
    nonce: str


def _pass_mac(secret: str, claim: PassClaim) -> str:
    message = (f"shift-pass|{claim.shift_id}|{claim.user_id}|{claim.kind}|{claim.expires}"
               f"|{claim.nonce}").encode()
    digest = hmac.new(bytes.fromhex(secret), message, hashlib.sha256).digest()[:16]
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def new_pass(secret: str, shift_id: int, user_id: int, kind: str, now: datetime) -> str:
    claim = PassClaim(shift_id, user_id, kind, int(now.timestamp()) + PASS_SECONDS,
                      secrets.token_urlsafe(16))
    return (f"{claim.shift_id}.{claim.user_id}.{claim.kind}.{claim.expires}.{claim.nonce}"
            f".{_pass_mac(secret, claim)}")


def parse_pass(token: str) -> tuple[PassClaim, str] | None:
    """(claim, mac) when the token has the shape of a pass (ASCII only); None otherwise. The
    claim is not yet trusted: check it with `pass_signed`."""
    m = _PASS_FORMAT.fullmatch(token)
    if m is None:
        return None
    shift_id, user_id, kind, expires, nonce, mac = m.groups()
    return PassClaim(int(shift_id), int(user_id), kind, int(expires), nonce), mac


def pass_signed(secret: str, claim: PassClaim, mac: str) -> bool:
    return hmac.compare_digest(_pass_mac(secret, claim), mac)
