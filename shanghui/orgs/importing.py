"""The region and chamber references of every app's import kinds (imports/kinds/refs.py), looked up
among the regions the importer may write and the chambers he sees."""

from shanghui.imports.kinds.refs import norm, visible

from .models import Chamber, Region
from .scope import writable_regions


def street_names(by=None) -> list[str]:
    # The streets the user may import into (a template's drop-down), all of them without a user.
    streets = Region.objects.streets()
    if by is not None:
        streets = streets.filter(pk__in=writable_regions(by))
    return list(streets.order_by("code").values_list("name", flat=True))


def region_lookup(by) -> dict[str, Region]:
    """The regions `by` may import into, by code, by name, and by name without its 街道/地区 suffix."""
    lookup = {}
    for region in visible(Region, by).filter(pk__in=writable_regions(by)):
        lookup[region.code] = region
        lookup[norm(region.name)] = region
        for suffix in ("街道", "地区", "街道办事处"):
            if region.name.endswith(suffix) and len(region.name) > len(suffix) + 1:
                lookup.setdefault(norm(region.name.removesuffix(suffix)), region)
    return lookup


def region_key(raw: str) -> str:
    """The lookup key of a region cell. A 12-digit statistical division code (110101001000, as the
    template note promises) names the region whose own code it pads with zeros: a street's 9 digits
    (110101001) or a district's 6 (110101)."""
    key = norm(raw)
    if len(key) == 12 and key.isdigit() and key.isascii():
        if key.endswith("000000"):
            return key[:6]
        if key.endswith("000"):
            return key[:9]
    return key


def find_region(raw: str, lookup: dict[str, Region], what: str = "街道") -> Region:
    region = lookup.get(region_key(raw))
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
    return {norm(c.name): c for c in visible(Chamber, by).select_related("region")}


def find_chamber(raw: str, lookup: dict[str, Chamber]) -> Chamber:
    chamber = lookup.get(norm(raw))
    if chamber is None:
        raise ValueError(f"找不到商会“{raw}”（或不在您的管辖范围内），请填写商会全称。")
    return chamber
