# The holiday calendar now lives in shanghui.orgs (its 0003 takes over the model and renames the table).

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("servicedesk", "0003_holiday_becomes_local_override"),
        ("orgs", "0003_holiday_moves_here"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="Holiday")],
            database_operations=[],
        ),
    ]
