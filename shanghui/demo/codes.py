"""Identifiers for demo records: unique by construction, valid by the real check rules.

The generator must scale to a million enterprises in constant memory, so it cannot
keep a set of the codes it has handed out. Instead every code is derived from a
sequence number through a seeded bijection (`Permutation`), which makes codes look
random yet never repeat.
"""

import datetime as dt
import random

from shanghui.core.validators import USCC_CHARSET, id_check_char, uscc_check_char

# GB 11714 (organisation code, the 9 characters inside a USCC before its check char).
ORG_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2]
# Registration authorities: mostly Dongcheng itself, some enterprises registered in
# another Beijing district before moving their seat here.
USCC_AUTHORITIES = [("110101", 90), ("110102", 3), ("110105", 3), ("110108", 2), ("110106", 1), ("110112", 1)]
# Places of birth in ID numbers: Beijing districts first, then other provinces' capitals.
ID_REGIONS = [
    ("110101", 20), ("110102", 12), ("110105", 10), ("110108", 8), ("110106", 5), ("110112", 3),
    ("120101", 4), ("130102", 6), ("370102", 5), ("410105", 4), ("210102", 4), ("320102", 4),
    ("330106", 3), ("420102", 3), ("510104", 3), ("140105", 3), ("150102", 2), ("230102", 2),
]
MOBILE_PREFIXES = ["130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "151", "152", "153",
                   "155", "156", "157", "158", "159", "166", "173", "176", "177", "178", "180", "181", "182",
                   "183", "185", "186", "187", "188", "189", "191", "198", "199"]
# ID sequence codes per birth day are split so the two kinds of people never share one.
PRINCIPAL_SEQ = range(0, 400)
YOUTH_SEQ = range(400, 500)


class Permutation:
    """A seeded bijection of range(size): index → a well-mixed, never-repeating value.

    Multiply-xorshift rounds are bijective on k-bit integers; values ≥ size are walked
    on through the cycle until they fall inside range(size) (cycle walking).
    """

    def __init__(self, rng: random.Random, size: int):
        self.size = size
        self.bits = max(8, (size - 1).bit_length())
        self.mask = (1 << self.bits) - 1
        self.keys = [rng.getrandbits(self.bits) | 1 for _ in range(3)]

    def _round(self, x: int) -> int:
        for key in self.keys:
            x = (x * key) & self.mask
            x ^= x >> (self.bits // 2 + 1)
            x = (x + key) & self.mask
        return x

    def __call__(self, index: int) -> int:
        if not 0 <= index < self.size:
            raise OverflowError(f"index {index} outside a permutation of {self.size}")
        x = self._round(index)
        while x >= self.size:
            x = self._round(x)
        return x


_CUMULATIVE: dict[int, tuple[list, list[float], list]] = {}


def weighted(rng: random.Random, table: list[tuple[str, float]]) -> str:
    """Pick a key of a [(key, weight), …] table; the cumulative weights are worked out once per table."""
    entry = _CUMULATIVE.get(id(table))
    if entry is None or entry[2] is not table:
        keys, cum, total = [], [], 0.0
        for key, weight in table:
            total += weight
            keys.append(key)
            cum.append(total)
        entry = _CUMULATIVE[id(table)] = (keys, cum, table)
    return rng.choices(entry[0], cum_weights=entry[1])[0]


def org_code_check_char(body8: str) -> str:
    total = sum((int(c) if c.isdigit() else ord(c) - 55) * w for c, w in zip(body8, ORG_WEIGHTS, strict=True))
    check = 11 - total % 11
    return {10: "X", 11: "0"}.get(check, str(check))


class UsccSource:
    """Unique, valid 统一社会信用代码: 91 + authority + 8-char organisation code body + its check + USCC check."""

    SPACE = len(USCC_CHARSET) ** 8

    def __init__(self, rng: random.Random):
        self.perm = Permutation(rng, self.SPACE)
        self.count = 0

    def next(self, rng: random.Random) -> str:
        n = self.perm(self.count)
        self.count += 1
        body = ""
        for _ in range(8):
            n, r = divmod(n, len(USCC_CHARSET))
            body += USCC_CHARSET[r]
        first17 = "91" + weighted(rng, USCC_AUTHORITIES) + body + org_code_check_char(body)
        return first17 + uscc_check_char(first17)


class IdNumberSource:
    """Unique, valid 身份证号码 with realistic birth dates.

    Uniqueness comes from (birth date, sequence code): one counter per birth day, so
    memory is bounded by the number of days in the range, not by the number of people.
    """

    def __init__(self):
        self.used: dict[tuple[dt.date, int, bool], int] = {}

    def next(self, rng: random.Random, birth: dt.date, *, male: bool, seqs: range = PRINCIPAL_SEQ) -> str:
        # The sequence code's last digit is the sex (odd: male); each day holds len(seqs)//2 of each.
        per_day = len(seqs) // 2
        while True:
            key = (birth, seqs.start, male)
            count = self.used.get(key, 0)
            if count < per_day:
                break
            birth += dt.timedelta(days=1)  # that day is full: the neighbour day is as good
        self.used[key] = count + 1
        # Spread the codes over the range instead of 001, 003, 005…
        slot = (count * 37 + birth.toordinal()) % per_day
        seq = seqs.start + 2 * slot + (1 if male else 0)
        first17 = f"{weighted(rng, ID_REGIONS)}{birth:%Y%m%d}{seq:03d}"
        return first17 + id_check_char(first17)


def mobile(rng: random.Random) -> str:
    return rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}"


def random_date(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    if end <= start:
        return start
    return start + dt.timedelta(days=rng.randrange((end - start).days + 1))
