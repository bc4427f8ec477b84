# The outbox now lives in shanghui.messaging (its 0001 takes over the model; the table stays).

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("servicedesk", "0001_initial"),
        ("messaging", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="OutboxMessage")],
            database_operations=[],
        ),
    ]
