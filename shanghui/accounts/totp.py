"""TOTP second factor (RFC 6238, 30-second steps, 6 digits) with pyotp; QR codes with segno."""

import time

import pyotp
import segno

from shanghui.core import crypto

ISSUER = "商会 区工商联平台"
DRIFT_STEPS = 1  # accept the previous and the next 30-second code: phone clocks drift


def new_secret() -> str:
    return pyotp.random_base32()


def provisioning_uri(secret: str, username: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=username, issuer_name=ISSUER)


def qr_svg(uri: str) -> str:
    """An inline <svg> (no script, no data: URL), so it passes a strict Content-Security-Policy."""
    return segno.make(uri, error="m").svg_inline(scale=4, border=2)


def matching_step(secret: str, code: str, *, after: int | None = None, now: float | None = None) -> int | None:
    """The time step `code` belongs to (within the drift), if it is later than `after`; else None."""
    code = (code or "").strip().replace(" ", "")
    if not (code.isdigit() and len(code) == 6):
        return None
    totp = pyotp.TOTP(secret)
    current = int((now or time.time()) // totp.interval)
    for step in range(current - DRIFT_STEPS, current + DRIFT_STEPS + 1):
        if (after is None or step > after) and pyotp.utils.strings_equal(totp.generate_otp(step), code):
            return step
    return None


def user_secret(user) -> str:
    return crypto.decrypt(user.totp_cipher)
