"""The 系统设置 page's form: one field per setting of core/config.py, one per row of each table."""

from django import forms
from django.db import transaction

from . import config
from .crud import style_field


class SettingsForm(forms.Form):
    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.pinned = config.locked()
        self.current = {key: config.get(key) for key in config.ITEMS}
        for key, item in config.ITEMS.items():
            field = item.field()
            field.label, field.help_text, field.initial = item.label, item.help, self.current[key]
            if key in self.pinned:
                # Django ignores a posted value of a disabled field: a pinned key cannot be changed here.
                field.disabled = True
                field.help_text = f"{item.help}由部署环境固定（{config.LOCK_VARIABLE}），此处只读。"
            style_field(field)
            self.fields[key] = field
        self.table_rows = {}
        for table in config.TABLES.values():
            self.table_rows[table.name] = table.rows(user)
            for pk, label, value in self.table_rows[table.name]:
                field = table.field()
                field.label, field.initial = label, value
                style_field(field)
                self.fields[self.cell(table, pk)] = field

    @staticmethod
    def cell(table, pk) -> str:
        return f"{table.name}_{pk}"

    def groups(self) -> list[dict]:
        """[{label, fields, tables: [(table, [bound field])]}] in the page's order."""
        groups = []
        for group, label in config.GROUPS.items():
            fields = [self[key] for key, item in config.ITEMS.items() if item.group == group]
            tables = [(t, [self[self.cell(t, pk)] for pk, _, _ in self.table_rows[t.name]])
                      for t in config.TABLES.values() if t.group == group]
            groups.append({"label": label, "fields": fields, "tables": tables})
        return groups

    @transaction.atomic
    def save(self, *, by) -> int:
        """Save what changed, all or nothing (a ValidationError rolls every write back). Returns how many."""
        changed = 0
        for key in config.ITEMS:
            if key not in self.pinned and self.cleaned_data[key] != self.current[key]:
                changed += config.setting_update(by=by, key=key, value=self.cleaned_data[key]) is not None
        for table in config.TABLES.values():
            changes = {pk: self.cleaned_data[self.cell(table, pk)] for pk, _, value in self.table_rows[table.name]
                       if self.cleaned_data[self.cell(table, pk)] != value}
            if changes:
                table.save(by=by, changes=changes)
                changed += len(changes)
        return changed
