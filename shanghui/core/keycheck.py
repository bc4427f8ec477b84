"""Is the configured personal-data key the one the stored data was encrypted with?

The database keeps a key check value (SiteState.key_check): a known text encrypted under the
key. At start (the system check in checks.py: runserver, serve, migrate, every management
command) the configured keys must decrypt it; otherwise the site refuses to start, instead
of starting with 500s on person pages and encrypting new rows under a second key.

A database without a check value (created before it existed) is checked against one of its
encrypted values instead, and then gets its check value. A key is generated (development
only, crypto.py) only when the database holds no encrypted value at all.
"""

from cryptography.fernet import InvalidToken
from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.db import DatabaseError, connection

from . import crypto

PLAINTEXT = "shanghui-key-check"
MISMATCH = ("个人信息加密密钥与数据库中的数据不符：配置的密钥（SHANGHUI_FIELD_KEY 或 SHANGHUI_FIELD_KEY_FILE）"
            "无法解密已存储的身份证号、手机号。为防止数据无法读取或被另一把密钥加密，系统拒绝启动。"
            "请配置加密这些数据时所用的密钥（更换密钥期间写成“新密钥,旧密钥”）。")
MISSING = ("找不到个人信息加密密钥（SHANGHUI_FIELD_KEY 未设置，密钥文件 {path} 不存在），而数据库中已有加密数据："
           "新生成的密钥无法解密这些数据，因此不会自动生成。请恢复原密钥文件，或设置 SHANGHUI_FIELD_KEY。")


def cipher_columns() -> list[tuple[type, str]]:
    """Every model field holding a Fernet token (a crypto.CipherField)."""
    return [(model, f.name) for model in apps.get_models() for f in model._meta.concrete_fields
            if isinstance(f, crypto.CipherField)]


def _tables_ready() -> bool:
    from .models import SiteState

    return SiteState._meta.db_table in connection.introspection.table_names()


def stored_token() -> str:
    """The key check value, else any one encrypted value in the database, else ''."""
    from . import state

    row = state.get()
    if row is not None and row.key_check:
        return row.key_check
    tables = set(connection.introspection.table_names())
    for model, name in cipher_columns():
        if model._meta.db_table in tables:
            token = model._base_manager.exclude(**{name: ""}).values_list(name, flat=True).first()
            if token:
                return token
    return ""


def encrypted_data_exists() -> bool:
    """True when the database holds a key check value or any encrypted value (False before migrate)."""
    return _tables_ready() and bool(stored_token())


def problem() -> str:
    """'' when the configured keys match the stored data (or there is no data yet); else why not, in Chinese.

    Records the check value when it is missing and the data matched (ignored if the database
    cannot be written just now: the next start records it)."""
    from . import state
    from .faults import best_effort

    try:
        if not _tables_ready():
            return ""  # before migrate: nothing stored that a key could fail to read
        token = stored_token()
        has_check = bool(state.get() and state.get().key_check)
    except DatabaseError:
        return ""  # an unreachable database is reported by whatever needs it, not as a key problem
    try:
        if token and crypto.decrypt(token) != PLAINTEXT and has_check:
            return MISMATCH
    except InvalidToken:
        return MISMATCH
    except ImproperlyConfigured as e:
        return str(e)
    if not has_check:
        best_effort(lambda: state.set_key_check(crypto.encrypt(PLAINTEXT)))
    return ""


def verified() -> bool:
    """For the health endpoint: the configured keys decrypt the stored data (its check value, else a sample)."""
    from . import state

    row = state.get()
    token = stored_token()
    if not token:
        return True
    try:
        plain = crypto.decrypt(token)
    except (InvalidToken, ImproperlyConfigured):
        return False
    return plain == PLAINTEXT if row is not None and row.key_check else True
