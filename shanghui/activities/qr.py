"""The signed, expiring sign-in URL of an activity and its QR code.

The token is `django.core.signing.dumps({"a": activity id})` with a timestamp, read back
with `max_age`: a tampered token fails the signature, an old one the age. The activity's
own sign-in window (`Activity.signin_state`) is checked again on every use, so a poster
printed long ago still stops working when sign-in closes.
"""

import io

import segno
from django.conf import settings
from django.core import signing
from django.urls import reverse

SALT = "shanghui.activities.signin"
# How long a printed code stays valid at most (the activity's window usually ends it first).
DEFAULT_MAX_AGE = 60 * 24 * 3600


class TokenRefused(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def max_age() -> int:
    return int(getattr(settings, "SHANGHUI_SIGNIN_MAX_AGE", DEFAULT_MAX_AGE))


def make_token(activity) -> str:
    return signing.dumps({"a": activity.pk}, salt=SALT, compress=True)


def read_token(token: str) -> int:
    """The activity id in a token, or TokenRefused with the message for the attendee."""
    try:
        data = signing.loads(token, salt=SALT, max_age=max_age())
    except signing.SignatureExpired:
        raise TokenRefused("该签到二维码已过期，请向工作人员索取新的二维码。") from None
    except signing.BadSignature:
        raise TokenRefused("签到链接无效，请重新扫描活动现场的二维码。") from None
    if not isinstance(data, dict) or not isinstance(data.get("a"), int):
        raise TokenRefused("签到链接无效，请重新扫描活动现场的二维码。")
    return data["a"]


def signin_url(request, activity) -> str:
    return request.build_absolute_uri(reverse("activities:signin", args=[make_token(activity)]))


def qr_bytes(url: str, fmt: str) -> bytes:
    code = segno.make(url, error="m")
    buffer = io.BytesIO()
    if fmt == "svg":
        code.save(buffer, kind="svg", scale=6, border=2, xmldecl=True, svgns=True, title="签到二维码")
    else:
        code.save(buffer, kind="png", scale=8, border=2)
    return buffer.getvalue()
