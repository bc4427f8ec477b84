"""Playwright + Debian's chromium for browser tests (fixtures are in conftest.py).

The browser comes from the system package (`/usr/bin/chromium`): nothing is
downloaded at test time, so the tests run on an intranet machine too.
"""

import os
import shutil

CHROMIUM = os.environ.get("SHANGHUI_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True, "device_scale_factor": 2}


def chromium_available() -> bool:
    return bool(shutil.which(CHROMIUM) or os.path.exists(CHROMIUM))
