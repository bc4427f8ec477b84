"""Login failures and locks keep typed names only as keyed digests; second-factor failures are told apart."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def to_digests(apps, schema_editor):
    from shanghui.accounts.lockout import account_digest

    LoginFailure = apps.get_model("accounts", "LoginFailure")
    LoginLock = apps.get_model("accounts", "LoginLock")
    User = apps.get_model("accounts", "User")
    for failure in LoginFailure.objects.all():
        failure.account = account_digest(failure.username)
        failure.username = ""
        failure.save(update_fields=["account", "username"])
    for lock in LoginLock.objects.filter(scope="user"):
        lock.user = User.objects.filter(username=lock.value).first()
        lock.value = account_digest(lock.value)
        lock.save(update_fields=["user", "value"])


class Migration(migrations.Migration):

    dependencies = [
        ("accounts", "0003_identity_controls"),
    ]

    operations = [
        migrations.AddField(
            model_name="loginfailure",
            name="account",
            field=models.CharField(db_index=True, default="", max_length=64),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="loginfailure",
            name="kind",
            field=models.CharField(choices=[("password", "密码"), ("second_factor", "双因素验证码")], default="password",
                                   max_length=16),
        ),
        migrations.AddField(
            model_name="loginlock",
            name="user",
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE,
                                    related_name="+", to=settings.AUTH_USER_MODEL, verbose_name="账号"),
        ),
        migrations.AlterField(
            model_name="loginlock",
            name="value",
            field=models.CharField(max_length=150, verbose_name="账号摘要或地址"),
        ),
        # Forward only: the names were never kept, so there is nothing to turn back into them.
        migrations.RunPython(to_digests, migrations.RunPython.noop),
        migrations.RemoveField(
            model_name="loginfailure",
            name="username",
        ),
    ]
