"""Resolving references by name or code: streets, chambers, enterprises, persons, organisations, activities.

Every reference of every import kind is looked up among the rows the importer may see
(`visible(model, by)`, which starts from `Model.objects.visible_to(by)`), and a region
among the regions he may write: a row outside the importer's scope is not found, with
the same message as a row that does not exist (DESIGN §4). Lookups are built once per
import (17 streets, a few dozen chambers) or per batch (enterprises by USCC, persons by
ID digest), never per row.
"""

from shanghui.accounts.scope import writable_regions
from shanghui.core import crypto
from shanghui.imports import cells
from shanghui.orgs.models import Chamber, Region


def _norm(name: str) -> str:
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


def region_lookup(by) -> dict[str, Region]:
    """The regions `by` may import into, by code, by name, and by name without its 街道/地区 suffix."""
    lookup = {}
    for region in visible(Region, by).filter(pk__in=writable_regions(by)):
        lookup[region.code] = region
        lookup[_norm(region.name)] = region
        for suffix in ("街道", "地区", "街道办事处"):
            if region.name.endswith(suffix) and len(region.name) > len(suffix) + 1:
                lookup.setdefault(_norm(region.name.removesuffix(suffix)), region)
    return lookup


def find_region(raw: str, lookup: dict[str, Region], what: str = "街道") -> Region:
    region = lookup.get(_norm(raw))
    if region is None:
        hint = "请填写街道全称或12位区划代码" if what == "街道" else "请填写区的全称或街道全称"
        raise ValueError(f"找不到{what}“{raw}”（或不在您的管辖范围内），{hint}。")
    return region


def resolve_street(raw: str, lookup: dict[str, Region], what: str) -> Region:
    """The street a row belongs to, or ValueError with the Chinese message for the row."""
    region = find_region(raw, lookup)
    if region.level != Region.Level.STREET:
        raise ValueError(f"{what}应登记到具体街道，“{raw}”不是街道。")
    return region


class StreetResolver:
    """resolve_street for one import, remembering each distinct cell text (a file names 17 streets)."""

    def __init__(self, by, what: str):
        self.lookup, self.writable, self.what = region_lookup(by), writable_region_ids(by), what
        self.known: dict[str, int] = {}

    def __call__(self, raw: str) -> int:
        pk = self.known.get(raw)
        if pk is None:
            pk = self.known[raw] = resolve_street(raw, self.lookup, self.what).pk
        return pk


def writable_region_ids(by) -> set[int] | None:
    """None means everywhere (superuser); otherwise the ids of the regions the user may write."""
    if by.is_superuser:
        return None
    return set(writable_regions(by).values_list("pk", flat=True))


def chamber_lookup(by) -> dict[str, Chamber]:
    # Chambers the user can see; writing to one is checked separately (its region).
    return {_norm(c.name): c for c in visible(Chamber, by).select_related("region")}


def find_chamber(raw: str, lookup: dict[str, Chamber]) -> Chamber:
    chamber = lookup.get(_norm(raw))
    if chamber is None:
        raise ValueError(f"找不到商会“{raw}”（或不在您的管辖范围内），请填写商会全称。")
    return chamber


def enterprises_by_uscc(by, codes) -> dict[str, tuple[int, str]]:
    """uscc → (id, name) of the enterprises the user can see, among `codes`."""
    from shanghui.directory.models import Enterprise

    return {uscc: rows[0] for uscc, rows in find_in(Enterprise, by, "uscc", codes, ("pk", "name")).items()}


def enterprises_by_name(by, names) -> dict[str, list[int]]:
    """Exact name → ids of the enterprises the user can see with that name (more than one: ambiguous)."""
    from shanghui.directory.models import Enterprise

    return find_in(Enterprise, by, "name", names)


def persons_by_id_number(by, numbers) -> dict[str, tuple[int, str]]:
    """ID number → (id, name) of the persons the user can see, among `numbers` (found by digest)."""
    from shanghui.directory.models import Person

    digests = {d: n for n in numbers for d in crypto.digests(n)}  # every configured key (rotation)
    found = find_in(Person, by, "id_number_digest", digests, ("pk", "name"))
    return {digests[d]: rows[0] for d, rows in found.items()}
