# The outbox moves here from the service desk: this takes over the model's state; the table is
# renamed and widened in 0002.

import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ("servicedesk", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="OutboxMessage",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("payload", models.JSONField(verbose_name="内容")),
                        ("created", models.DateTimeField(default=django.utils.timezone.now, verbose_name="时间")),
                        ("attempts", models.PositiveIntegerField(default=0, verbose_name="尝试次数")),
                        ("next_attempt_at", models.DateTimeField(db_index=True, default=django.utils.timezone.now, verbose_name="下次尝试")),
                        ("delivered_at", models.DateTimeField(blank=True, db_index=True, null=True, verbose_name="送达时间")),
                        ("last_error", models.CharField(blank=True, max_length=500, verbose_name="最近错误")),
                    ],
                    options={
                        "verbose_name": "待发送消息",
                        "verbose_name_plural": "待发送消息",
                        "ordering": ["id"],
                        "db_table": "servicedesk_outboxmessage",
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
