"""Hash-chain the audit log: seq/prev_hash/hash on every event, and the one-row chain head.

Existing events (a database made before this migration) are chained in (at, id) order.
"""

import django.utils.timezone
from django.db import migrations, models


def chain_existing(apps, schema_editor):
    from shanghui.audit.chain import HEAD_ID, content_hash

    AuditEvent = apps.get_model("audit", "AuditEvent")
    AuditChainHead = apps.get_model("audit", "AuditChainHead")
    seq, prev = 0, ""
    for event in AuditEvent.objects.order_by("at", "id").iterator():
        seq += 1
        event.seq, event.prev_hash = seq, prev
        event.hash = prev = content_hash(event)
        AuditEvent.objects.filter(pk=event.pk).update(seq=event.seq, prev_hash=event.prev_hash, hash=event.hash)
    AuditChainHead.objects.update_or_create(pk=HEAD_ID, defaults={"seq": seq, "hash": prev})


class Migration(migrations.Migration):

    dependencies = [
        ("audit", "0001_initial"),
    ]

    operations = [
        migrations.CreateModel(
            name="AuditChainHead",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("seq", models.PositiveBigIntegerField(default=0)),
                ("hash", models.CharField(blank=True, max_length=64)),
                ("floor_seq", models.PositiveBigIntegerField(default=0)),
                ("floor_hash", models.CharField(blank=True, max_length=64)),
            ],
            options={
                "verbose_name": "审计哈希链头",
                "verbose_name_plural": "审计哈希链头",
            },
        ),
        migrations.AlterModelOptions(
            name="auditevent",
            options={"ordering": ["-seq"], "verbose_name": "审计事件", "verbose_name_plural": "审计事件"},
        ),
        migrations.AlterField(
            model_name="auditevent",
            name="at",
            field=models.DateTimeField(db_index=True, default=django.utils.timezone.now, verbose_name="时间"),
        ),
        migrations.AddField(
            model_name="auditevent",
            name="seq",
            field=models.PositiveBigIntegerField(editable=False, null=True, verbose_name="序号"),
        ),
        migrations.AddField(
            model_name="auditevent",
            name="prev_hash",
            field=models.CharField(blank=True, default="", editable=False, max_length=64, verbose_name="前一条哈希"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="auditevent",
            name="hash",
            field=models.CharField(default="", editable=False, max_length=64, verbose_name="哈希"),
            preserve_default=False,
        ),
        migrations.RunPython(chain_existing, migrations.RunPython.noop),
    ]
