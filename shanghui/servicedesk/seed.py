"""The default request categories, each with its default department and time limit."""

from shanghui.orgs.models import Department
from shanghui.orgs.seed import load_departments

from .models import Category

# name, default department code, time limit in working days
CATEGORIES = [
    ("政策咨询", "tax", 5),
    ("证照审批", "market", 10),
    ("法律纠纷", "justice", 15),
    ("融资贷款", "market", 15),
    ("用工就业", "hr", 10),
    ("经营场地", "market", 15),
    ("食品安全", "food_drug", 10),
    ("其他", "market", 10),
]


def load_categories() -> list[Category]:
    """Create the default categories that do not exist yet (idempotent); returns all of them in order."""
    if not Department.objects.exists():
        load_departments()
    departments = {d.code: d for d in Department.objects.all()}
    out = []
    for order, (name, code, limit) in enumerate(CATEGORIES, start=1):
        category, _ = Category.objects.get_or_create(
            name=name, defaults={"department": departments[code], "time_limit": limit, "order": order})
        out.append(category)
    return out
