"""Start-up checks (Django's system checks: runserver, serve, migrate and every management command).

- shanghui.E001: the configured personal-data key does not match the stored data, or it is
  missing while encrypted data exists: the site refuses to start (keycheck.py).
- shanghui.W001: a directory the site writes to cannot be written: it starts (reads work),
  but every save will get the 503 page until this is fixed.
"""

from django.core.checks import Error, Warning, register

from . import health, keycheck


@register()
def field_key_matches_data(app_configs=None, **kwargs):
    message = keycheck.problem()
    if not message:
        return []
    return [Error(message, hint="见 docs/deployment.md“个人信息密钥”；确认密钥后重新启动。", id="shanghui.E001")]


@register()
def data_directory_writable(app_configs=None, **kwargs):
    problems = health.unwritable_dirs()
    if not problems:
        return []
    return [Warning("以下目录不可写，网站只能查看，保存任何修改都会提示“暂时无法保存”：" + "；".join(problems),
                    hint="检查磁盘空间、挂载方式（只读）和目录权限（SHANGHUI_DATA_DIR）。", id="shanghui.W001")]
