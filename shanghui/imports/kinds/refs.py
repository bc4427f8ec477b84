"""Resolving references by name or code: streets, chambers, enterprises, persons, organisations, activities.

Every reference of every import kind is looked up among the rows the importer may see
(`visible(model, by)`, which starts from `Model.objects.visible_to(by)`), and a region
among the regions he may write: a row outside the importer's scope is not found, with
the same message as a row that does not exist (docs/design.md §4). Lookups are built once per
import (17 streets, a few dozen chambers) or per batch (enterprises by USCC, persons by
ID digest), never per row. The lookups of each app's rows live with the app: regions and
chambers in orgs/importing.py, enterprises and persons in directory/importing/refs.py.
"""

from shanghui.imports import cells


def norm(name: str) -> str:
    return cells.code_text(name).casefold()


def visible(model, by):
    """Where every reference of an import starts: the rows of `model` the importer sees."""
    return model.objects.visible_to(by)


def find_in(model, by, field: str, values, columns: tuple[str, ...] = ("pk",), chunk: int = 5000) -> dict:
    """{value of `field`: [row, ...]} among the rows of `model` that `by` sees, for the given values.

    A row is the value of the one column asked for, or a tuple of them. Lists, because a
    name may be ambiguous; the caller decides what more than one match means.
    """
    out: dict = {}
    values = [v for v in set(values) if v not in (None, "")]
    for i in range(0, len(values), chunk):
        qs = visible(model, by).filter(**{f"{field}__in": values[i:i + chunk]}).order_by()
        for key, *rest in qs.values_list(field, *columns):
            out.setdefault(key, []).append(rest[0] if len(rest) == 1 else tuple(rest))
    return out
