"""What an importable kind is: a small declarative spec the engine runs.

A kind lists its columns (Chinese header, aliases, a parser from cells.py), names
its natural key, resolves references (street, chamber, enterprise…) for a batch of
rows, says what it would change in the database, and writes a batch. The engine
(engine.py) does the rest for every kind alike: reading, header matching,
duplicates inside the file, counting, the one transaction, the audit event,
progress and the error report.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db import models

from shanghui.core.exporting import Column as ExportColumn
from shanghui.imports import cells, sql
from shanghui.imports.initials import fast_initials

# What a row says of a record the user may see but not write: it is left as it is, and the
# file imports all the same (engine.Result.skipped).
SKIPPED = "无权修改，已跳过"


def seen_by(model, by, pks) -> set[int]:
    """The ids among `pks` of rows of `model` that `by` may see (to tell "not yours to change,
    skipped" from a clash with a record he must not learn of)."""
    return set(model.objects.visible_to(by).filter(pk__in=set(pks)).values_list("pk", flat=True)) if pks else set()


def choice_label(choices, value) -> str:
    """The label of a choice for an export cell ("" for none)."""
    return str(choices(value).label) if value else ""


@dataclass(frozen=True)
class Column:
    name: str  # key in Row.values
    header: str  # the Chinese header of templates and exports
    parse: cells.Parser
    aliases: tuple[str, ...] = ()
    required: bool = False
    example: object = ""
    note: str = ""  # for the instruction sheet
    options: Callable[[object], list[str]] | None = None  # drop-down values in the template, for a user
    width: int = 16
    text_format: bool = False  # long codes: the template marks the column as text
    # A reference to another record, as "what.attribute" ("enterprise.uscc", "street.name"): the
    # column is resolved through refs.py among the rows the importer sees.
    ref: str = ""

    def names(self) -> list[str]:
        return [self.header, *self.aliases]


@dataclass(eq=False, slots=True)
class Row:
    number: int  # row number in the file, as the user sees it
    values: dict
    errors: list[tuple[str, str]] = field(default_factory=list)  # (column header, message)
    key: object = None
    action: str = ""  # new / updated / unchanged / error
    pk: int | None = None
    changes: dict | None = None  # model field → new value, for updates

    def error(self, header: str, message: str) -> None:
        self.errors.append((header, message))

    def skip(self) -> None:
        """The row names a record the user may see but not write: left alone, counted, reported."""
        self.action = "skipped"
        self.changes = None


class Kind:
    name: str = ""  # "enterprises": the word in URLs and on the command line
    label: str = ""  # "企业"
    model: type[models.Model]
    columns: list[Column] = []
    key: tuple[str, ...] = ()  # column names forming the natural key

    def header(self, name: str) -> str:
        return next(c.header for c in self.columns if c.name == name)

    # --- reading a batch -------------------------------------------------------
    def check_columns(self, present: set[str]) -> str:
        """A Chinese message if the file's columns (`present`) cannot make a record even though
        every required one is there (e.g. a membership without any member column); else ""."""
        return ""

    def prepare(self, values: dict) -> None:
        """Per-row work that needs no database (runs in the parsing process): e.g. pinyin initials."""

    def context(self, by) -> dict:
        """Lookups shared by all batches of one import (streets, chambers, the user's scope)."""
        return {}

    def resolve(self, rows: list[Row], present: set[str], ctx: dict) -> None:
        """Turn references into ids and apply model rules; record errors on the rows."""

    def key_of(self, row: Row):
        return tuple(row.values.get(name) for name in self.key)

    def plan(self, rows: list[Row], present: set[str], ctx: dict) -> None:
        """Set row.action (new/updated/unchanged), row.pk and row.changes; check write scope."""
        raise NotImplementedError

    def write(self, rows: list[Row], present: set[str], ctx: dict) -> None:
        """Insert the new and update the changed rows of a batch (inside the import's transaction)."""
        raise NotImplementedError

    # --- export in the template's shape (for the round trip) -----------------
    def export_queryset(self, by):
        return self.model.objects.visible_to(by)

    def export_columns(self, by, plain: bool = False) -> list[ExportColumn]:
        """The export's columns. Personal numbers are masked unless `plain`, which only the
        explicit, reasoned and audited plaintext export passes (imports/exports.py)."""
        raise NotImplementedError

    def personal_kinds(self, by) -> set[str]:
        """The kinds of personal number ("id_number", "mobile") this kind's export carries."""
        return {c.personal for c in self.export_columns(by) if c.personal}

    def export_rows(self, by, queryset=None) -> Iterable[list]:
        columns = self.export_columns(by)
        for obj in (queryset if queryset is not None else self.export_queryset(by)).iterator(chunk_size=2000):
            yield [c.value(obj) for c in columns]


def diff(existing: dict, new: dict) -> dict:
    return {name: value for name, value in new.items() if existing.get(name) != value}


def update_changed(model, rows: list[Row]) -> None:
    """Write the changes of updated rows, grouped by which fields changed (one statement shape each)."""
    groups: dict[tuple, list] = {}
    for row in rows:
        changes = dict(row.changes)
        if "name" in changes and any(f.name == "name_initials" for f in model._meta.concrete_fields):
            changes["name_initials"] = fast_initials(changes["name"])[:100]
        names = tuple(sorted(changes))
        groups.setdefault(names, []).append((*(changes[n] for n in names), row.pk))
    for names, tuples in groups.items():
        sql.update_rows(model, names, tuples)
