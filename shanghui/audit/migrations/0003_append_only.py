"""seq is required and unique; triggers refuse UPDATE/DELETE on the audit tables (see audit/triggers.py)."""

from django.db import migrations, models


def install(apps, schema_editor):
    from shanghui.audit import triggers

    triggers.install(schema_editor.connection)


def uninstall(apps, schema_editor):
    from shanghui.audit import triggers

    triggers.uninstall(schema_editor.connection)


class Migration(migrations.Migration):

    dependencies = [
        ("audit", "0002_hash_chain"),
    ]

    operations = [
        migrations.AlterField(
            model_name="auditevent",
            name="seq",
            field=models.PositiveBigIntegerField(editable=False, unique=True, verbose_name="序号"),
        ),
        migrations.RunPython(install, uninstall),
    ]
