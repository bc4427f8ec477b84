"""The triggers also refuse deleting events younger than the retention minimum, and moving the
purge floor to anything but an old event (see audit/triggers.py): reinstalled with those rules."""

from django.db import migrations


def install(apps, schema_editor):
    from shanghui.audit import triggers

    triggers.install(schema_editor.connection)


class Migration(migrations.Migration):

    dependencies = [
        ("audit", "0003_append_only"),
    ]

    # Backwards keeps the stricter triggers: there is no reason to loosen them again.
    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
