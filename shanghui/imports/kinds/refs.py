"""Resolving references by name or code: streets, chambers, enterprises, persons.

Lookups are built once per import (17 streets, a few dozen chambers) or per batch
(enterprises by USCC, persons by ID digest), never per row.
"""

from shanghui.accounts.scope import writable_regions
from shanghui.core import crypto
from shanghui.imports import cells
from shanghui.orgs.models import Chamber, Region


def _norm(name: str) -> str:
    return cells.code_text(name).casefold()


def region_lookup() -> dict[str, Region]:
    """Every region by code, by name, and by name without its 街道/地区 suffix."""
    lookup = {}
    for region in Region.objects.all():
        lookup[region.code] = region
        lookup[_norm(region.name)] = region
        for suffix in ("街道", "地区", "街道办事处"):
            if region.name.endswith(suffix) and len(region.name) > len(suffix) + 1:
                lookup.setdefault(_norm(region.name.removesuffix(suffix)), region)
    return lookup


def resolve_street(raw: str, lookup: dict[str, Region], writable: set[int] | None, what: str) -> Region:
    """The street a row belongs to, or ValueError with the Chinese message for the row."""
    region = lookup.get(_norm(raw))
    if region is None:
        raise ValueError(f"找不到街道“{raw}”，请填写街道全称（如“东华门街道”）或区划代码。")
    if region.level != Region.Level.STREET:
        raise ValueError(f"{what}应登记到具体街道，“{raw}”不是街道。")
    if writable is not None and region.pk not in writable:
        raise ValueError(f"您无权导入“{region.name}”的{what}。")
    return region


class StreetResolver:
    """resolve_street for one import, remembering each distinct cell text (a file names 17 streets)."""

    def __init__(self, by, what: str):
        self.lookup, self.writable, self.what = region_lookup(), writable_region_ids(by), what
        self.known: dict[str, int] = {}

    def __call__(self, raw: str) -> int:
        pk = self.known.get(raw)
        if pk is None:
            pk = self.known[raw] = resolve_street(raw, self.lookup, self.writable, self.what).pk
        return pk


def writable_region_ids(by) -> set[int] | None:
    """None means everywhere (superuser); otherwise the ids of the regions the user may write."""
    if by.is_superuser:
        return None
    return set(writable_regions(by).values_list("pk", flat=True))


def chamber_lookup(by) -> dict[str, Chamber]:
    # Chambers the user can see; writing to one is checked separately (its region).
    return {_norm(c.name): c for c in Chamber.objects.visible_to(by).select_related("region")}


def find_chamber(raw: str, lookup: dict[str, Chamber]) -> Chamber:
    chamber = lookup.get(_norm(raw))
    if chamber is None:
        raise ValueError(f"找不到商会“{raw}”（或不在您的管辖范围内），请填写商会全称。")
    return chamber


def enterprises_by_uscc(by, codes) -> dict[str, tuple[int, str]]:
    """uscc → (id, name) of the enterprises the user can see, among `codes`."""
    from shanghui.directory.models import Enterprise

    out = {}
    codes = list(codes)
    for i in range(0, len(codes), 5000):
        qs = Enterprise.objects.visible_to(by).filter(uscc__in=codes[i:i + 5000])
        out.update({u: (pk, name) for u, pk, name in qs.values_list("uscc", "pk", "name")})
    return out


def persons_by_id_number(by, numbers) -> dict[str, tuple[int, str]]:
    """ID number → (id, name) of the persons the user can see, among `numbers` (found by digest)."""
    from shanghui.directory.models import Person

    digests = {d: n for n in numbers for d in crypto.digests(n)}  # every configured key (rotation)
    out, keys = {}, list(digests)
    for i in range(0, len(keys), 5000):
        qs = Person.objects.visible_to(by).filter(id_number_digest__in=keys[i:i + 5000])
        out.update({digests[d]: (pk, name) for d, pk, name in qs.values_list("id_number_digest", "pk", "name")})
    return out
