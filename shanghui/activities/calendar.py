"""The activity calendar of every signed-in user (a month grid, or upcoming activities by date) and the
personal iCalendar feed that phone calendars subscribe to.

The feed is fetched by a phone, without a session: its URL's token (activities.models.CalendarFeed) is
the key, and the feed shows what its owner's calendar shows signed in (`calendar_activities`), nothing more. Phones
poll it every few minutes, so a fetch is not audited; resetting the address is.
"""

import datetime as dt
import re
from itertools import groupby

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Exists, OuterRef
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST
from icalendar import Calendar, Event

from shanghui.accounts.pages import enterprise_page

from . import services
from .models import Activity, CalendarFeed, Status

WEEKDAYS = "一二三四五六日"
MONTH = re.compile(r"(\d{4})-(\d{1,2})")
BAD_MONTH = "月份格式应为“2018-06”（年-月），已显示本月。"
LIST_LIMIT = 200  # the list view's upcoming activities; the month grid shows whole months
FEED_PAST, FEED_AHEAD = dt.timedelta(days=90), dt.timedelta(days=365)
FEED_NAME = "商会活动日历"


def parse_month(value: str | None, today: dt.date) -> tuple[dt.date, bool]:
    """The first day of the month `value` ("2018-06") names, and whether it was understood (else this month)."""
    match = MONTH.fullmatch((value or "").strip())
    if match:
        year, month = int(match[1]), int(match[2])
        if 1900 <= year <= 2100 and 1 <= month <= 12:
            return dt.date(year, month, 1), True
    return today.replace(day=1), not value


def _add_months(first: dt.date, n: int) -> dt.date:
    index = first.year * 12 + first.month - 1 + n
    return dt.date(index // 12, index % 12 + 1, 1)


def _midnight(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _by_day(activities) -> dict[dt.date, list[Activity]]:
    return {day: list(group) for day, group in groupby(activities, key=lambda a: timezone.localdate(a.start))}


def calendar_activities(user):
    """What `user` sees, and for street staff the district-wide activities above his street (his street's
    enterprises go to them); `opens` says whether he may open the activity's page."""
    seen = Activity.objects.visible_to(user).filter(pk=OuterRef("pk"))
    return Activity.objects.invitable_by(user).select_related("region").annotate(opens=Exists(seen))


def _feed_context(request) -> dict:
    path = reverse("activities:calendar_feed", args=[services.calendar_feed_token(by=request.user)])
    url = request.build_absolute_uri(path)
    return {"feed_url": url, "webcal_url": "webcal://" + url.split("://", 1)[1]}


@enterprise_page
@login_required
@require_GET
def calendar(request):
    today = timezone.localdate()
    first, understood = parse_month(request.GET.get("month"), today)
    if not understood:
        messages.warning(request, BAD_MONTH)
    visible = calendar_activities(request.user).order_by("start", "id")
    context = {"today": today, "view": "list" if request.GET.get("view") == "list" else "month",
               **_feed_context(request)}
    if context["view"] == "list":
        upcoming = list(visible.filter(end__gte=_midnight(today))[:LIST_LIMIT])
        context.update(days=list(_by_day(upcoming).items()), truncated=len(upcoming) == LIST_LIMIT)
        return render(request, "activities/calendar.html", context)
    # Monday-first weeks covering the month, with the neighbouring months' days greyed out.
    next_first = _add_months(first, 1)
    start = first - dt.timedelta(days=first.weekday())
    end = next_first + dt.timedelta(days=(7 - next_first.weekday()) % 7)
    by_day = _by_day(visible.filter(start__gte=_midnight(start), start__lt=_midnight(end)))
    days = [start + dt.timedelta(days=i) for i in range((end - start).days)]
    cells = [{"date": d, "in_month": d.month == first.month, "activities": by_day.get(d, [])} for d in days]
    context.update(
        month=first, weekdays=WEEKDAYS, weeks=[cells[i:i + 7] for i in range(0, len(cells), 7)],
        month_days=[(d, acts) for d, acts in by_day.items() if d.month == first.month],
        prev_month=f"{_add_months(first, -1):%Y-%m}", next_month=f"{next_first:%Y-%m}",
        this_month=f"{today:%Y-%m}",
    )
    return render(request, "activities/calendar.html", context)


@enterprise_page
@login_required
@require_POST
def calendar_feed_reset(request):
    services.calendar_feed_reset(by=request.user)
    messages.success(request, "订阅地址已重置：旧地址已失效，请在手机日历中用新地址重新订阅。")
    return redirect("activities:calendar")


def _event(activity: Activity, stamp: dt.datetime) -> Event:
    event = Event()
    event.add("uid", f"activity-{activity.pk}@shanghui")
    event.add("dtstamp", stamp)
    event.add("dtstart", activity.start.astimezone(dt.UTC))
    event.add("dtend", max(activity.end, activity.start).astimezone(dt.UTC))
    event.add("summary", activity.title)
    if activity.place:
        event.add("location", activity.place)
    description = "\n".join(filter(None, [f"{activity.get_kind_display()} · {activity.region}", activity.description]))
    event.add("description", description)
    if activity.status == Status.CANCELLED:
        event.add("status", "CANCELLED")
    return event


def feed_calendar(user) -> Calendar:
    """The iCalendar of what `user` sees, from FEED_PAST ago to FEED_AHEAD ahead."""
    now = timezone.now()
    cal = Calendar()
    cal.add("prodid", "-//shanghui//activities//ZH")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", FEED_NAME)
    cal.add("x-wr-timezone", timezone.get_current_timezone_name())
    activities = calendar_activities(user).filter(
        end__gte=now - FEED_PAST, start__lte=now + FEED_AHEAD).order_by("start", "id")
    for activity in activities:
        cal.add_component(_event(activity, now))
    return cal


# Public (no login): a phone's calendar fetches it. The token is the secret; marked for enterprise
# users like the QR sign-in, so a signed-in enterprise user opening it in a browser is not refused.
@enterprise_page
@require_GET
def calendar_feed(request, token):
    feed = CalendarFeed.objects.filter(token=token, user__is_active=True).select_related("user").first()
    if feed is None:
        raise Http404("订阅地址无效或已重置。")
    response = HttpResponse(feed_calendar(feed.user).to_ical(), content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, max-age=900"
    response["Content-Disposition"] = 'inline; filename="calendar.ics"'
    return response
