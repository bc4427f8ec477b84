"""One env-driven settings module (Healthchecks style).

Everything a deployment changes comes from the environment:
SHANGHUI_DATA_DIR, DATABASE_URL, SECRET_KEY, SHANGHUI_FIELD_KEY(_FILE), DEBUG, ALLOWED_HOSTS.

Importing it writes nothing: the data directory is made when the apps are ready
(core/apps.py), the development SECRET_KEY file when something first signs with it.
"""

import os
from functools import cache
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.functional import lazy

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent

TRUE_VALUES = frozenset({"true", "1", "yes", "on"})
FALSE_VALUES = frozenset({"false", "0", "no", "off"})


def envbool(name: str, default: bool) -> bool:
    """A boolean environment variable: true/1/yes/on or false/0/no/off (any case); unset means `default`.

    Anything else (a typo, an empty value) is refused, so a misspelt switch cannot silently
    turn a security setting off."""
    value = os.environ.get(name)
    if value is None:
        return default
    if value.lower() in TRUE_VALUES:
        return True
    if value.lower() in FALSE_VALUES:
        return False
    raise ImproperlyConfigured(f"环境变量 {name}={value!r} 无效：布尔值只能是 true/false、1/0、yes/no 或 on/off。")


# Everything this process creates (database, uploads, import files, backups, keys) is its
# owner's alone. The umask covers files made by libraries (SQLite, pg_dump, xlsxwriter);
# our own writes also set their modes explicitly (core/files.py), whatever the umask.
os.umask(0o077)
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700

DATA_DIR = Path(os.environ.get("SHANGHUI_DATA_DIR", PROJECT_DIR / "var")).resolve()

DEBUG = envbool("DEBUG", True)


@cache
def _development_secret_key() -> str:
    """A random key kept in the data directory, never in the repo; made by the first process that signs."""
    path = DATA_DIR / "secret_key"
    if not path.exists():
        import secrets

        DATA_DIR.mkdir(mode=0o700, parents=True, exist_ok=True)
        try:
            with os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "w") as out:
                out.write(secrets.token_urlsafe(50))
        except FileExistsError:  # another process (runserver's reloader) made it first
            pass
    return path.read_text().strip()


def _secret_key():
    if key := os.environ.get("SECRET_KEY"):
        return key
    if path := os.environ.get("SECRET_KEY_FILE"):
        try:
            return Path(path).read_text().strip()
        except OSError as e:
            raise ImproperlyConfigured(f"无法读取 SECRET_KEY_FILE（{path}）：{e}") from None
    if envbool("SHANGHUI_PRODUCTION", False):  # set by settings_production: never invent a key there
        raise ImproperlyConfigured("生产环境必须设置 SECRET_KEY 或 SECRET_KEY_FILE，不会自动生成密钥。")
    # Lazy, so that importing the settings writes no file: read (or made) on first use.
    return lazy(_development_secret_key, str)()


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = [h for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",") if h]

INSTALLED_APPS = [
    "shanghui.accounts.admin_apps.ShanghuiAdminConfig",  # django.contrib.admin, superusers only
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "shanghui.core",
    "shanghui.accounts",
    "shanghui.audit",
    "shanghui.messaging",
    "shanghui.orgs",
    "shanghui.directory",
    "shanghui.party",
    "shanghui.activities",
    "shanghui.servicedesk",
    "shanghui.honors",
    "shanghui.community",
    "shanghui.library",
    "shanghui.notices",
    "shanghui.reports",
    "shanghui.imports",
    "shanghui.api",
    "shanghui.demo",
    # Serves Swagger UI for /api/v1/docs from its bundled static files, not from a CDN.
    "ninja",
]

MIDDLEWARE = [
    # Outermost, so a write refused for SQLite's held write lock is a 503 wherever it failed.
    "shanghui.core.busy.DatabaseBusyMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "shanghui.core.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Django's, except that a session that cannot be saved (full disk, read-only database) does not fail a read.
    "shanghui.core.faults.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Before URL resolution: /api/v1/x/ and /api/v1/x are one operation (api/middleware.py).
    "shanghui.api.middleware.ApiTrailingSlashMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Oversized bodies and NUL characters: a 4xx in Chinese before any view or CSRF check reads them.
    "shanghui.core.middleware.RequestGuardMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "shanghui.audit.middleware.RequestContextMiddleware",
    # Refusals (core/duplicates.py) are audited even though the refused write rolls back.
    "shanghui.core.duplicates.RefusalsAuditedMiddleware",
    # Identity rules (accounts/middleware.py): after the audit context, so their events carry the address.
    "shanghui.accounts.middleware.SessionTimeoutMiddleware",
    "shanghui.accounts.middleware.SecondFactorMiddleware",
    "shanghui.accounts.middleware.PasswordPolicyMiddleware",
    "shanghui.accounts.middleware.StaffPagesMiddleware",
    # Last, so it sees a view's exception first: a full disk or read-only database gets the Chinese 503 page.
    "shanghui.core.faults.WriteFaultMiddleware",
]

ROOT_URLCONF = "shanghui.urls"
WSGI_APPLICATION = "shanghui.wsgi.application"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# --- Databases -----------------------------------------------------------
# SQLite in the data directory by default; DATABASE_URL selects PostgreSQL.
if os.environ.get("DATABASE_URL"):
    DATABASES = {"default": dj_database_url.parse(os.environ["DATABASE_URL"], conn_max_age=60)}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": os.environ.get("SHANGHUI_SQLITE_PATH", DATA_DIR / "shanghui.sqlite3"),
            "OPTIONS": {
                # BEGIN IMMEDIATE takes the write lock up front, so two writers queue on the
                # busy timeout instead of failing with "database is locked" on lock upgrade.
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": (
                    "PRAGMA journal_mode=WAL;"
                    "PRAGMA synchronous=FULL;"
                    "PRAGMA foreign_keys=ON;"
                    "PRAGMA busy_timeout=20000;"
                    # Deleted rows are zeroed in their pages, not left readable in the file.
                    "PRAGMA secure_delete=FAST;"
                ),
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    # 8+ characters from 3 of 4 classes; none of the last SHANGHUI_PASSWORD_HISTORY passwords.
    {"NAME": "shanghui.accounts.policy.ComplexityValidator", "OPTIONS": {"min_length": 8, "min_classes": 3}},
    {"NAME": "shanghui.accounts.policy.HistoryValidator"},
]
# Identity controls (accounts/: policy.py, lockout.py, sessions.py, totp.py). 0 days: passwords never expire.
AUTHENTICATION_BACKENDS = ["shanghui.accounts.backends.LockoutBackend"]
SHANGHUI_PASSWORD_MAX_AGE_DAYS = int(os.environ.get("SHANGHUI_PASSWORD_MAX_AGE_DAYS", 90))
SHANGHUI_PASSWORD_HISTORY = int(os.environ.get("SHANGHUI_PASSWORD_HISTORY", 5))
SHANGHUI_LOCKOUT_FAILURES = int(os.environ.get("SHANGHUI_LOCKOUT_FAILURES", 5))
SHANGHUI_LOCKOUT_ADDRESS_FAILURES = int(os.environ.get("SHANGHUI_LOCKOUT_ADDRESS_FAILURES", 20))
SHANGHUI_LOCKOUT_MINUTES = int(os.environ.get("SHANGHUI_LOCKOUT_MINUTES", 30))
SHANGHUI_SESSION_IDLE_SECONDS = int(os.environ.get("SHANGHUI_SESSION_IDLE_SECONDS", 30 * 60))
SHANGHUI_REQUIRE_2FA_FOR_ADMINS = envbool("SHANGHUI_REQUIRE_2FA_FOR_ADMINS", False)
# Unmask grants per role and kind live in accounts/unmask.py (a deployment may set SHANGHUI_UNMASK_GRANTS
# here to replace them); this caps each user's successful unmaskings per calendar day.
SHANGHUI_UNMASK_DAILY_LIMIT = int(os.environ.get("SHANGHUI_UNMASK_DAILY_LIMIT", 50))
# SQLite: how long a login waits for another writer's lock (a large import copying its rows in)
# before it is answered 503; other writes wait the busy timeout above (core/busy.py).
SHANGHUI_LOGIN_WAIT_SECONDS = int(os.environ.get("SHANGHUI_LOGIN_WAIT_SECONDS", 120))
# The 统计年度 every statistics page starts from until a user picks his own; unset means the current year
# (the demo sets 2018, the year of its figures).
SHANGHUI_DEFAULT_YEAR = int(os.environ["SHANGHUI_DEFAULT_YEAR"]) if os.environ.get("SHANGHUI_DEFAULT_YEAR") else None
# Database sessions whose once-a-minute idle stamp never waits for a held write lock.
SESSION_ENGINE = "shanghui.accounts.session_store"

LANGUAGE_CODE = "zh-hans"
# The UI is Chinese only: without this, LocaleMiddleware would answer a browser that asks
# for English with English form errors beside the Chinese pages.
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"  # made when the apps are ready (core/apps.py): WhiteNoise warns when it is missing
# Front-end libraries come from npm (package.json + lock file); they are served
# straight out of node_modules, never copied into the repository.
NODE_MODULES = PROJECT_DIR / "node_modules"
STATICFILES_DIRS = [
    (f"vendor/{name}", NODE_MODULES / path)
    for name, path in [
        ("bootstrap", "bootstrap/dist"),
        ("bootstrap-icons", "bootstrap-icons/font"),
        ("htmx", "htmx.org/dist"),
        ("echarts", "echarts/dist"),
    ]
    if (NODE_MODULES / path).exists()
] + [BASE_DIR / "static"]  # the project's own small css/js (shanghui/static/shanghui/)
MEDIA_ROOT = DATA_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "shanghui.core.files.PrivateFileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MEDIA_URL = "/media/"

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = int(os.environ.get("SHANGHUI_SESSION_SECONDS", 8 * 3600))
# The absolute limit of a login, checked server-side whatever the cookie says.
SHANGHUI_SESSION_ABSOLUTE_SECONDS = SESSION_COOKIE_AGE
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
# Content-Security-Policy: unset means core/csp.py's strict policy (no 'unsafe-inline'); "" turns it off.
SHANGHUI_CSP = os.environ.get("SHANGHUI_CSP")

# Operations: `shanghui serve` (waitress), backups, audit retention (never under 180 days).
SHANGHUI_HOST = os.environ.get("SHANGHUI_HOST", "127.0.0.1")
SHANGHUI_PORT = int(os.environ.get("SHANGHUI_PORT", 8000))
SHANGHUI_BACKUP_DIR = Path(os.environ.get("SHANGHUI_BACKUP_DIR", DATA_DIR / "backups"))
SHANGHUI_AUDIT_RETENTION_DAYS = int(os.environ.get("SHANGHUI_AUDIT_RETENTION_DAYS", 180))
# Audit checkpoints (audit/checkpoint.py): outside the data directory, so that a copy or
# rewrite of the data directory and database does not carry them along.
SHANGHUI_AUDIT_CHECKPOINT_DIR = Path(os.environ.get(
    "SHANGHUI_AUDIT_CHECKPOINT_DIR", DATA_DIR.with_name(DATA_DIR.name + "-audit-checkpoints")))
SHANGHUI_AUDIT_CHECKPOINT_MINUTES = int(os.environ.get("SHANGHUI_AUDIT_CHECKPOINT_MINUTES", 60))
# /healthz answers 503 when the fullest storage directory has less free space than this.
SHANGHUI_HEALTH_MIN_FREE_MB = int(os.environ.get("SHANGHUI_HEALTH_MIN_FREE_MB", 500))

# Key for encrypting personal data (ID and mobile numbers). It lives outside the
# database: in the environment, or a key file (by default in the data directory,
# which a deployment should point elsewhere with SHANGHUI_FIELD_KEY_FILE).
SHANGHUI_FIELD_KEY = os.environ.get("SHANGHUI_FIELD_KEY", "")
SHANGHUI_FIELD_KEY_FILE = Path(os.environ.get("SHANGHUI_FIELD_KEY_FILE", DATA_DIR / "field.key"))

PAGE_SIZE = 25
DEMO_PASSWORD = os.environ.get("SHANGHUI_DEMO_PASSWORD", "Demo@2026")

# Audit checkpoints also go to the system log where there is one (/dev/log), and to the app log.
SYSLOG_SOCKET = os.environ.get("SHANGHUI_SYSLOG_SOCKET", "/dev/log")
_HAS_SYSLOG = os.path.exists(SYSLOG_SOCKET)
# Every handler masks ID-like and mobile-like numbers (core/redact.py): an access line of
# runserver with `?q=110105...` or an exception quoting a typed number is logged masked.
# django.server (runserver's access lines) is redefined here so its handler has the filter too;
# CoreConfig.ready() adds the filter to any handler a library attaches later.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact": {"()": "shanghui.core.redact.RedactFilter"},
                "require_debug_true": {"()": "django.utils.log.RequireDebugTrue"},
                "require_debug_false": {"()": "django.utils.log.RequireDebugFalse"}},
    "formatters": {"django.server": {"()": "django.utils.log.ServerFormatter",
                                     "format": "[{server_time}] {message}", "style": "{"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["redact"]},
        "django.server": {"class": "logging.StreamHandler", "formatter": "django.server", "filters": ["redact"]},
        # Django's own default handlers, redefined so that they mask too even when something
        # configures logging again after start-up (CoreConfig.ready() would not run a second time).
        "django_console": {"class": "logging.StreamHandler", "level": "INFO",
                           "filters": ["require_debug_true", "redact"]},
        "mail_admins": {"class": "django.utils.log.AdminEmailHandler", "level": "ERROR",
                        "filters": ["require_debug_false", "redact"]},
        **({"syslog": {"class": "logging.handlers.SysLogHandler", "address": SYSLOG_SOCKET, "filters": ["redact"]}}
           if _HAS_SYSLOG else {}),
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
    "loggers": {
        "django": {"handlers": ["django_console", "mail_admins"], "level": "INFO"},
        "django.server": {"handlers": ["django.server"], "level": "INFO", "propagate": False},
        "shanghui.audit.checkpoint": {"handlers": ["syslog"] if _HAS_SYSLOG else [], "level": "INFO"},
    },
}
