# The holiday table stops being the official calendar (now read from chinese-calendar) and becomes the
# district's overrides. Rows typed by hand keep their effect: a holiday becomes a closure, a make-up
# working day an extra working day; their name becomes the note.

from django.db import migrations, models


def holiday_to_closure(apps, schema_editor):
    apps.get_model("servicedesk", "Holiday").objects.filter(kind="holiday").update(kind="closure")


def closure_to_holiday(apps, schema_editor):
    apps.get_model("servicedesk", "Holiday").objects.filter(kind="closure").update(kind="holiday")


class Migration(migrations.Migration):

    dependencies = [
        ("servicedesk", "0002_outbox_moves_to_messaging"),
    ]

    operations = [
        migrations.RenameField(model_name="holiday", old_name="name", new_name="note"),
        migrations.AlterField(
            model_name="holiday",
            name="note",
            field=models.CharField(help_text="例如：依据区政府某月某日通知。", max_length=100, verbose_name="说明"),
        ),
        migrations.AlterField(
            model_name="holiday",
            name="kind",
            field=models.CharField(choices=[("closure", "本区停止办公"), ("workday", "本区照常上班")],
                                   default="closure", max_length=10, verbose_name="类型"),
        ),
        migrations.RunPython(holiday_to_closure, closure_to_holiday),
        migrations.AlterField(
            model_name="holiday",
            name="date",
            field=models.DateField(error_messages={"unique": "这一天已有本区设置，请先删除原设置。"}, unique=True,
                                   verbose_name="日期"),
        ),
        migrations.AlterModelOptions(
            name="holiday",
            options={"ordering": ["date"], "verbose_name": "本区节假日调整", "verbose_name_plural": "本区节假日调整"},
        ),
    ]
