from django.apps import AppConfig

# Chinese labels of the audit actions this app writes. Added to the audit log's table
# here so that the audit app need not know every app's actions.
ACTION_LABELS = {
    "lockout": "登录锁定",
    "session_timeout": "会话超时退出",
    "login_2fa": "双因素认证通过",
    "2fa_failed": "双因素认证失败",
    "2fa_enable": "启用双因素认证",
    "2fa_disable": "关闭双因素认证",
    "2fa_reset": "重置双因素认证",
    "password_change": "修改密码",
    "password_reset": "重置密码",
    "role_change": "角色变更",
    "activate": "启用账号",
    "unlock": "解除登录锁定",
    "2fa_require": "要求启用双因素认证",
    "2fa_unrequire": "取消双因素认证要求",
    "deactivate": "停用账号",
    "personal_data_export": "导出个人信息",
    "personal_data_anonymise": "个人信息匿名化",
    "personal_data_delete": "个人信息删除",
    "page_refused": "拒绝访问工作人员页面",
}


class AccountsConfig(AppConfig):
    name = "shanghui.accounts"
    verbose_name = "用户与权限"

    def ready(self):
        from shanghui.audit import labels

        from . import signals  # noqa: F401

        labels.register(actions=ACTION_LABELS)
