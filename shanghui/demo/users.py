"""One demo login per role, and the table of them that `make run` prints."""

from django.conf import settings
from django.contrib.auth.hashers import make_password

from shanghui.accounts.models import User
from shanghui.core.roles import Role

# username, role ("" for the superuser), scope key (see create_demo_users).
DEMO_USERS = [
    ("fic_admin", Role.FEDERATION_ADMIN, "district"),
    ("dhm_worker", Role.STREET_WORKER, "street"),
    ("dhm_instructor", Role.PARTY_INSTRUCTOR, "street"),
    ("dhm_market", Role.DEPARTMENT_HANDLER, "street"),
    ("dhm_enterprise", Role.ENTERPRISE_USER, "enterprise"),
    ("leader", Role.LEADER, "district"),
    ("auditor", Role.AUDITOR, ""),
    ("root", "", ""),
]


def create_demo_users(*, district, street, department, enterprise, names: dict[str, str]) -> dict[str, User]:
    """Create the demo logins that do not exist yet; an existing user of the same name is left alone.

    `names` maps username → display name. All share one hash of settings.DEMO_PASSWORD:
    hashing costs ~0.4 s each, and the password is the same (and public) anyway.
    """
    password = make_password(settings.DEMO_PASSWORD)
    scopes = {"district": {"region": district}, "street": {"region": street}, "enterprise": {"enterprise": enterprise}}
    created = {}
    for username, role, scope in DEMO_USERS:
        if User.objects.filter(username=username).exists():
            continue
        user = User(username=username, role=role, display_name=names.get(username, username), password=password,
                    **scopes.get(scope, {}))
        if role == Role.DEPARTMENT_HANDLER:
            user.department = department
        if not role:
            user.is_superuser = user.is_staff = True
        user.full_clean()
        user.save()
        created[username] = user
    return created


def _scope(user: User) -> str:
    if user.is_superuser:
        return "全部（技术管理）"
    if user.role == Role.AUDITOR:
        return "审计日志"
    if user.enterprise_id:
        return user.enterprise.name
    if user.department_id:
        return f"{user.region} · {user.department}"
    return str(user.region) if user.region_id else "—"


def demo_logins() -> list[tuple[str, str, str]]:
    """(username, role label, scope) of the demo logins present in the database, in role order."""
    users = {u.username: u for u in User.objects.filter(username__in=[name for name, _, _ in DEMO_USERS])
             .select_related("region", "enterprise", "department")}
    return [(name, users[name].role_label, _scope(users[name])) for name, _, _ in DEMO_USERS if name in users]


def logins_table(logins: list[tuple[str, str, str]], password: str | None = None) -> str:
    """A small plain-text table; widths count a Chinese character as two columns."""

    def width(text: str) -> int:
        return sum(2 if ord(c) > 0x2E80 else 1 for c in text)

    def pad(text: str, n: int) -> str:
        return text + " " * (n - width(text))

    rows = [("用户名", "角色", "范围"), *logins]
    widths = [max(width(row[i]) for row in rows) for i in range(3)]
    lines = ["  ".join(pad(cell, widths[i]) for i, cell in enumerate(row)).rstrip() for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    if password is not None:
        lines.append(f"演示账号初始密码：{password}")
    return "\n".join(lines)
