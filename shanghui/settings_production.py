"""Production profile: DJANGO_SETTINGS_MODULE=shanghui.settings_production.

Everything in settings.py, plus: DEBUG off; SECRET_KEY and the personal-data key
required from the environment or from files outside the data directory (it fails at
start-up when one is missing, and never generates one); HTTPS-only cookies, HSTS and
the redirect to HTTPS when SHANGHUI_TLS=1 (the default); static files compressed for
WhiteNoise. `manage.py check --deploy` reports nothing under it (core/tests).

Environment (see docs/deployment.md): SECRET_KEY or SECRET_KEY_FILE; SHANGHUI_FIELD_KEY or
SHANGHUI_FIELD_KEY_FILE; ALLOWED_HOSTS; SHANGHUI_TLS; SHANGHUI_HSTS_SECONDS;
SHANGHUI_BEHIND_PROXY; CSRF_TRUSTED_ORIGINS; DATABASE_URL or SHANGHUI_DATA_DIR.
"""

import os
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

os.environ["SHANGHUI_PRODUCTION"] = "1"  # settings.py then refuses to invent a SECRET_KEY

from .settings import *  # noqa: E402, F403
from .settings import DATA_DIR, envbool  # noqa: E402

DEBUG = False

ALLOWED_HOSTS = [h.strip() for h in os.environ.get("ALLOWED_HOSTS", "").split(",") if h.strip()]
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured("生产环境必须设置 ALLOWED_HOSTS（本站的域名或地址，逗号分隔）。")

# The personal-data key lives outside the database and outside the data directory, so that
# a copy of the data directory or a backup alone cannot be decrypted.
if not os.environ.get("SHANGHUI_FIELD_KEY"):
    _key_file = os.environ.get("SHANGHUI_FIELD_KEY_FILE", "")
    if not _key_file or not Path(_key_file).is_file():
        raise ImproperlyConfigured("生产环境必须设置 SHANGHUI_FIELD_KEY，或让 SHANGHUI_FIELD_KEY_FILE 指向已有的密钥文件"
                                   "（生成方法见 docs/deployment.md），不会自动生成。")
    if Path(_key_file).resolve().is_relative_to(DATA_DIR):
        raise ImproperlyConfigured(f"个人信息密钥文件不能放在数据目录 {DATA_DIR} 中：请放到单独的目录（如 /etc/shanghui）。")

TLS = envbool("SHANGHUI_TLS", True)
SECURE_SSL_REDIRECT = TLS
SESSION_COOKIE_SECURE = TLS
CSRF_COOKIE_SECURE = TLS
SECURE_HSTS_SECONDS = int(os.environ.get("SHANGHUI_HSTS_SECONDS", 365 * 24 * 3600)) if TLS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = TLS and envbool("SHANGHUI_HSTS_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = TLS and envbool("SHANGHUI_HSTS_PRELOAD", True)
if envbool("SHANGHUI_BEHIND_PROXY", False):
    # Only behind a proxy that sets this header itself (nginx: proxy_set_header X-Forwarded-Proto $scheme).
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
CSRF_TRUSTED_ORIGINS = [o.strip() for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()]

STORAGES = {
    "default": {"BACKEND": "shanghui.core.files.PrivateFileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
