"""Helpers every app's service functions share: apply validated changes and audit them."""

from django.db import models

from shanghui.audit import record

from .duplicates import full_clean


def changed_fields(obj: models.Model, changes: dict) -> list[str]:
    return [name for name, value in changes.items() if getattr(obj, name) != value]


def save_new(*, by, obj: models.Model, action: str = "create") -> models.Model:
    full_clean(by=by, obj=obj)
    obj.save()
    record(by=by, action=action, obj=obj, fields=sorted(f.name for f in obj._meta.concrete_fields if f.name != "id"))
    return obj


def save_changes(*, by, obj: models.Model, changes: dict, action: str = "update", exclude_check=()) -> list[str]:
    """Set the fields that really change, validate the whole row, save just those fields, audit."""
    unknown = set(changes) - {f.name for f in obj._meta.concrete_fields}
    if unknown:
        raise ValueError(f"unknown fields {sorted(unknown)}")
    names = changed_fields(obj, changes)
    for name in names:
        setattr(obj, name, changes[name])
    if names:
        full_clean(by=by, obj=obj, exclude=list(exclude_check))
        obj.save(update_fields=[*names, *getattr(obj, "derived_fields", ())])
        record(by=by, action=action, obj=obj, fields=names)
    return names


def delete(*, by, obj: models.Model) -> None:
    record(by=by, action="delete", obj=obj, fields=[])
    obj.delete()
