"""Reference data: the Dongcheng division tree and the common stationed departments."""

import csv
from pathlib import Path

from .models import Department, Region

STREETS_CSV = Path(__file__).parent / "data" / "dongcheng-streets.csv"

DEPARTMENTS = [
    ("market", "市场监管"),
    ("justice", "司法"),
    ("food_drug", "食品药品监管"),
    ("tax", "税务"),
    ("hr", "人力社保"),
]


def load_dongcheng() -> Region:
    """Create (or update) 北京市 → 东城区 → its 17 streets; idempotent. Returns the district."""
    city, _ = Region.objects.update_or_create(code="110000", defaults={"name": "北京市", "level": "city"})
    district, _ = Region.objects.update_or_create(
        code="110101", defaults={"name": "东城区", "level": "district", "parent": city}
    )
    with STREETS_CSV.open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            # Created once, never overwritten: a street renamed or merged in the app (区划调整) keeps
            # its name and its place in the tree when the seed runs again.
            Region.objects.get_or_create(
                code=row["code"], defaults={"name": row["name"], "level": "street", "parent": district}
            )
    return district


def load_departments() -> list[Department]:
    return [Department.objects.update_or_create(code=c, defaults={"name": n})[0] for c, n in DEPARTMENTS]
