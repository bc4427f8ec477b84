"""The enterprise user's home page (phone first): his invitations to answer, the activities open to his
enterprise, unread notices, open service requests, and how his enterprise took part in a year and
whether it counts for the participation rates. Reads only, each through `visible_to(user)`; the
answers go to activities:invitation_reply. It lives in reports because it reads every feature app.
"""

import datetime as dt

from django.db.models.functions import ExtractYear
from django.shortcuts import render
from django.utils import timezone

from shanghui.activities import invitations
from shanghui.activities.kpis import enterprise_participation, in_period
from shanghui.activities.models import Activity, Attendance, Invitation, Kind, Status
from shanghui.core.kpis import Period, stats_year
from shanghui.notices.models import Notice
from shanghui.servicedesk.models import ServiceRequest

UPCOMING_DAYS = 60
UPCOMING_LIMIT = 10
NOTICE_LIMIT = 10
REQUEST_LIMIT = 10


def _year(request, default: int) -> int:
    value = request.GET.get("year", "")
    return int(value) if value.isdigit() and 1949 <= int(value) <= 2100 else default


def participation_lines(p: dict, this_year: int) -> list[tuple[bool, str]]:
    """What the page says about the two rates: (counted, sentence) pairs."""
    year = p["year"]
    if not p["active"]:
        return [(False, f"{year}年本企业不在存续期内，不计入参与率。")]
    chambers = "、".join(p["chambers"])
    if not p["attended"]:
        head = "尚未参加理想信念教育活动，暂未计入参与率" if year >= this_year else "未参加理想信念教育活动，未计入参与率"
        lines = [(False, f"{year}年：{head}。")]
        if p["member"]:
            lines.append((False, f"参加后将计入全区企业参与率和会员企业参与率（会员：{chambers}）。"))
        else:
            lines.append((False, "非商会会员，不计入会员企业参与率。"))
        return lines
    lines = [(True, f"{year}年：已计入全区企业参与率。")]
    if p["member_counted"]:
        lines.append((True, f"已计入会员企业参与率（会员：{chambers}）。"))
    else:
        lines.append((False, "非商会会员，不计入会员企业参与率。"))
    return lines


def _attended_activities(user, enterprise, year: int) -> list[dict]:
    """The activities people of the enterprise attended in the year (representing it), with their names."""
    rows = (Attendance.objects.visible_to(user).filter(in_period(Period.year(year), "activity__"), enterprise=enterprise)
            .select_related("activity", "person").order_by("activity__start", "activity_id", "person__name"))
    out: dict[int, dict] = {}
    for row in rows:
        item = out.setdefault(row.activity_id, {"activity": row.activity, "people": []})
        item["people"].append(row.person.name)
    for item in out.values():
        a = item["activity"]
        item["counts"] = a.kind == Kind.EDUCATION and a.status != Status.CANCELLED
        item["cancelled"] = a.status == Status.CANCELLED
    return list(out.values())


def _years(user, enterprise, default: int, chosen: int) -> list[int]:
    attended = (Attendance.objects.visible_to(user).filter(enterprise=enterprise)
                .annotate(y=ExtractYear("activity__start")).order_by().values_list("y", flat=True).distinct())
    return sorted({*attended, default, chosen, timezone.localdate().year}, reverse=True)


def enterprise_home(request):
    user = request.user
    enterprise = user.enterprise
    now = timezone.now()

    awaiting = list(Invitation.objects.visible_to(user).awaiting_reply(now).select_related("activity")
                    .order_by("activity__start", "pk"))
    answered = list(Invitation.objects.visible_to(user).exclude(reply="").filter(activity__start__gt=now)
                    .exclude(activity__status=Status.CANCELLED).select_related("activity")
                    .order_by("activity__start", "pk"))
    for invitation in (*awaiting, *answered):
        invitation.inviter = invitations.sender(invitation.activity)

    upcoming = (Activity.objects.visible_to(user).held()
                .filter(end__gte=now, start__lt=now + dt.timedelta(days=UPCOMING_DAYS))
                .select_related("region").order_by("start", "pk")[:UPCOMING_LIMIT])

    unread = Notice.objects.visible_to(user).unread_by(user).order_by("-published", "-pk")
    requests = ServiceRequest.objects.visible_to(user).open().select_related("category").order_by("-filed_at", "-pk")

    default = stats_year(user)
    year = _year(request, default)
    participation = enterprise_participation(enterprise, year)
    return render(request, "reports/enterprise_home.html", {
        "enterprise": enterprise,
        "awaiting": awaiting,
        "answered": answered,
        "upcoming": upcoming,
        "upcoming_days": UPCOMING_DAYS,
        "unread": unread[:NOTICE_LIMIT],
        "unread_count": unread.count(),
        "requests": requests[:REQUEST_LIMIT],
        "year": year,
        "years": _years(user, enterprise, default, year),
        "participation": participation,
        "participation_lines": participation_lines(participation, timezone.localdate().year),
        "attended": _attended_activities(user, enterprise, year),
    })
