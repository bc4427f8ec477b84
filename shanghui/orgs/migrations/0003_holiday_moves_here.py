# The working-day calendar moves here from the service desk, so every app (the recruitment time
# rules, the 公示 notice) can count working days: this takes over the model's state, then renames
# the table. No row is copied or lost.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("orgs", "0002_region_history"),
        ("servicedesk", "0003_holiday_becomes_local_override"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Holiday",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("date", models.DateField(error_messages={"unique": "这一天已有本区设置，请先删除原设置。"},
                                                  unique=True, verbose_name="日期")),
                        ("kind", models.CharField(choices=[("closure", "本区停止办公"), ("workday", "本区照常上班")],
                                                  default="closure", max_length=10, verbose_name="类型")),
                        ("note", models.CharField(help_text="例如：依据区政府某月某日通知。", max_length=100,
                                                  verbose_name="说明")),
                    ],
                    options={
                        "verbose_name": "本区节假日调整",
                        "verbose_name_plural": "本区节假日调整",
                        "ordering": ["date"],
                        "db_table": "servicedesk_holiday",
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.AlterModelTable(name="holiday", table=None),
    ]
