"""The enterprise and person references of every app's import kinds (imports/kinds/refs.py), looked up
among the rows the importer sees: enterprises by USCC or name, persons by the digest of the ID number."""

from shanghui.core import crypto
from shanghui.imports.kinds.refs import find_in, visible

from ..models import Enterprise, Person


def enterprises_by_uscc(by, codes) -> dict[str, tuple[int, str]]:
    """uscc → (id, name) of the enterprises the user can see, among `codes`."""
    return {uscc: rows[0] for uscc, rows in find_in(Enterprise, by, "uscc", codes, ("pk", "name")).items()}


def enterprises_by_name(by, names) -> dict[str, list[int]]:
    """Exact name → ids of the enterprises the user can see with that name (more than one: ambiguous)."""
    return find_in(Enterprise, by, "name", names)


def persons_by_masked_id(by, pairs, masked: str = "id_number_masked") -> dict[tuple[str, str], list[Person]]:
    """(masked ID number, name) → the persons `by` sees of that name whose ID number our exports mask
    so: how a row of a masked export identifies its person. Few rows (a street's own register), and
    a name narrows the candidates to a handful, each decrypted once. `masked="mobile_masked"`: the
    same by mobile number."""
    wanted = {(m, n) for m, n in pairs if m and n}
    out: dict[tuple[str, str], list[Person]] = {}
    if not wanted:
        return out
    names = {n for _, n in wanted}
    for person in visible(Person, by).filter(name__in=names).only("pk", "name", "region_id", "id_number_cipher",
                                                                   "mobile_cipher"):
        key = (getattr(person, masked), person.name)
        if key in wanted:
            out.setdefault(key, []).append(person)
    return out


def persons_by_id_number(by, numbers) -> dict[str, tuple[int, str]]:
    """ID number → (id, name) of the persons the user can see, among `numbers` (found by digest)."""
    digests = {d: n for n in numbers for d in crypto.digests(n)}  # every configured key (rotation)
    found = find_in(Person, by, "id_number_digest", digests, ("pk", "name"))
    return {digests[d]: rows[0] for d, rows in found.items()}
