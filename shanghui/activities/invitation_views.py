"""Invitation pages: inviting enterprises to an activity, the activity's invitations and funnel (with
export), the per-street funnel, choosing an activity from a drill-down, and the public reply link."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from shanghui.accounts.pages import enterprise_page
from shanghui.core.crud import next_url, refuse, require
from shanghui.core.exporting import Column, export_format, export_response
from shanghui.core.kpis import Period
from shanghui.directory.models import Person

from . import invitations, kpis
from .forms import KpiForm
from .models import Activity, Channel, Invitation, Reply, Status

SOURCES = {"member": "本年度未参与的会员企业", "district": "本年度未参与的企业", "all": "全部可邀请企业"}


def _local(value) -> str:
    return f"{timezone.localtime(value):%Y-%m-%d %H:%M}" if value else ""


def _activity(user, pk: int) -> Activity:
    return get_object_or_404(Activity.objects.invitable_by(user).select_related("region"), pk=pk)


def _candidates(activity: Activity, user, source: str):
    reach = invitations.candidates(activity, user)
    if source in ("member", "district"):
        year = timezone.localtime(activity.start).year
        missing = kpis.figure(source, activity.region, Period.year(year)).missing
        reach = reach.filter(pk__in=missing.values("pk"))
    return reach


@login_required
@require_http_methods(["GET", "POST"])
def invite(request, pk):
    """Pick enterprises (and each one's contact, its principal by default) and a channel; send."""
    user = request.user
    activity = _activity(user, pk)
    require(invitations.may_invite(user, activity), "活动已开始或已取消，或您无权邀请企业参加该活动。")
    source = request.GET.get("which") if request.GET.get("which") in SOURCES else (
        "member" if activity.kind == "education" else "all")
    rows = _candidates(activity, user, source)
    if request.method == "POST":
        return _send(request, activity, rows)
    q = request.GET.get("q", "").strip()
    if q:
        rows = rows.search(q)
    rows = rows.select_related("region", "principal").order_by("region__code", "name")
    page = Paginator(rows, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    people: dict[int, list[Person]] = {}
    for person in Person.objects.visible_to(user).filter(enterprise__in=page.object_list).order_by("name", "pk"):
        people.setdefault(person.enterprise_id, []).append(person)
    invited = set(Invitation.objects.filter(activity=activity, enterprise__in=page.object_list)
                  .values_list("enterprise_id", flat=True))
    for enterprise in page.object_list:
        enterprise.contacts = people.get(enterprise.pk, [])
        if enterprise.principal and enterprise.principal not in enterprise.contacts:
            enterprise.contacts.insert(0, enterprise.principal)
        enterprise.invited = enterprise.pk in invited
    return render(request, "activities/invite.html", {
        "activity": activity, "page": page, "objects": page.object_list, "sources": SOURCES, "source": source,
        "q": q, "channels": Channel.choices, "query": f"which={source}&q={q}",
        "can_open": Activity.objects.visible_to(user).filter(pk=activity.pk).exists()})


def _send(request, activity: Activity, rows):
    user = request.user
    ids = [int(v) for v in request.POST.getlist("enterprise") if v.isdigit()]
    chosen = list(rows.filter(pk__in=ids).select_related("principal"))
    asked = {e.pk: int(v) for e in chosen if (v := request.POST.get(f"contact_{e.pk}", "")).isdigit()
             and int(v) != e.principal_id}
    people = {p.pk: p for p in Person.objects.visible_to(user).filter(pk__in=asked.values())}  # one query
    contacts = {}
    for enterprise in chosen:
        if enterprise.pk in asked:
            person = people.get(asked[enterprise.pk])
            if person is None or person.enterprise_id != enterprise.pk:
                messages.error(request, f"“{enterprise.name}”的联系人不在您的管辖范围内。")
                return redirect(request.get_full_path())
            contacts[enterprise.pk] = person
    try:
        result = invitations.invite(
            by=user, activity=activity, enterprises=chosen, channel=request.POST.get("channel", ""),
            contacts=contacts,
            link=lambda i: request.build_absolute_uri(reverse("activities:reply_link", args=[invitations.reply_token(i)])))
    except (ValidationError, PermissionDenied) as e:
        messages.error(request, "；".join(getattr(e, "messages", None) or [str(e)]))
        return redirect(request.get_full_path())
    messages.success(request, result.summary)
    if not Activity.objects.visible_to(user).filter(pk=activity.pk).exists():
        return redirect(request.get_full_path())  # a district-wide activity: its page is the district's
    return redirect(reverse("activities:activity_detail", args=[activity.pk]) + "#invitations")


INVITATION_COLUMNS = [
    Column("企业名称", lambda i: i.enterprise.name, 36),
    Column("所在街道", lambda i: i.enterprise.region.name, 12),
    Column("联系人", lambda i: i.person.name if i.person_id else "", 10),
    Column("联系人手机", lambda i: i.person.mobile_masked if i.person_id else "", 14),
    Column("邀请方式", lambda i: i.get_channel_display(), 10),
    Column("邀请人", lambda i: str(i.invited_by or ""), 12),
    Column("邀请时间", lambda i: _local(i.sent), 16),
    Column("送达情况", lambda i: i.delivery_label, 12),
    Column("回复", lambda i: i.get_reply_display() or "未回复", 8),
    Column("请假说明", lambda i: i.reply_note, 20),
    Column("回复时间", lambda i: _local(i.replied_at), 16),
    Column("提醒时间", lambda i: _local(i.reminded_at), 16),
    Column("已签到", lambda i: "是" if i.signed_in else "否", 8),
]


def activity_invitations(user, activity: Activity):
    return (Invitation.objects.visible_to(user).filter(activity=activity).with_signed_in()
            .select_related("enterprise__region", "person", "invited_by", "message")
            .order_by("enterprise__region__code", "enterprise__name", "pk"))


@login_required
@require_GET
def invitation_export(request, pk):
    activity = _activity(request.user, pk)
    return export_response(by=request.user, title=f"活动邀请_{activity.title}"[:60],
                           rows=activity_invitations(request.user, activity), columns=INVITATION_COLUMNS,
                           fmt=export_format(request), filters={"activity": activity.pk})


STREET_COLUMNS = [
    Column("街道", lambda r: r.street.name, 12),
    Column("邀请企业数", lambda r: r.funnel.invited, 10),
    Column("报名", lambda r: r.funnel.yes, 8),
    Column("请假", lambda r: r.funnel.no, 8),
    Column("未回复", lambda r: r.funnel.unanswered, 8),
    Column("受邀并签到", lambda r: r.funnel.signed_in, 10),
    Column("出席企业数", lambda r: r.funnel.attended, 10),
    Column("会员企业数", lambda r: r.members, 10),
    Column("已参与会员企业", lambda r: r.covered, 12),
    Column("其中经邀请参与", lambda r: r.covered_invited, 12),
    Column("会员企业参与率（%）", lambda r: r.rate if r.rate is not None else "", 12),
]


@login_required
@require_GET
def funnel(request):
    """Per street, for the year's education activities: invited → replied → signed in, beside the member
    participation rate and how many of the participating members came through an invitation."""
    form = KpiForm(request.GET or None, user=request.user)
    year, scope, street = form.values()
    rows = invitations.street_funnels(scope, year)
    if request.GET.get("format") in ("xlsx", "csv"):
        return export_response(by=request.user, title=f"{year}年活动邀请情况", rows=rows, columns=STREET_COLUMNS,
                               fmt=request.GET["format"], object_type=Invitation._meta.label_lower,
                               filters={"year": year, "street": street.code if street else ""})
    return render(request, "activities/funnel.html", {
        "form": form, "year": year, "rows": rows, "columns": STREET_COLUMNS, "query": form.query()})


@login_required
@require_GET
def invite_pick(request):
    """From a 未参与 / 待邀请 list: choose the upcoming activity to invite those enterprises to."""
    user = request.user
    which = request.GET.get("which") if request.GET.get("which") in SOURCES else "member"
    upcoming = (Activity.objects.invitable_by(user).filter(start__gt=timezone.now()).exclude(status=Status.CANCELLED)
                .select_related("region").order_by("start", "pk")[:50])
    # `upcoming` is already what he may invite to and has not started: one check of the user, not one per row.
    choices = list(upcoming) if invitations.is_inviter(user) else []
    return render(request, "activities/invite_pick.html", {"activities": choices, "which": which,
                                                            "source_label": SOURCES[which]})


# --- answers ------------------------------------------------------------------------------------


REPLIED = {Reply.YES: "已报名", Reply.NO: "已请假"}


@enterprise_page
@login_required
@require_POST
def invitation_reply(request, pk):
    """The enterprise's answer to an invitation (报名 / 请假 with an optional reason), from its home page;
    a refusal (the activity has started, a bad answer) is said in a message. Back to `next` or home."""
    invitation = get_object_or_404(Invitation.objects.visible_to(request.user).select_related("activity", "enterprise"),
                                   pk=pk)
    answer = request.POST.get("answer", "")
    try:
        invitations.invitation_reply(by=request.user, invitation=invitation, answer=answer,
                                      note=request.POST.get("note", ""))
    except ValidationError as error:
        refuse(request, error)
    except PermissionDenied:
        messages.error(request, "您无权回复该邀请。")
    else:
        messages.success(request, REPLIED[answer])
    return redirect(next_url(request))


# --- the contact's answer through the SMS link (public) ------------------------------------------


@enterprise_page
@require_http_methods(["GET", "POST"])
def reply_link(request, token):
    """Public (no login): the page an invitation's SMS links to; the signed token is the authority."""
    invitation = invitations.by_token(token)
    if invitation is None:
        return render(request, "activities/reply_link.html", {"refusal": "邀请链接无效，请以短信中的完整链接打开。"},
                      status=404)
    context = {"invitation": invitation, "activity": invitation.activity, "replies": Reply,
               "open": invitations.accepts_replies(invitation.activity)}
    if request.method == "POST":
        try:
            invitations.invitation_reply_by_link(invitation=invitation, answer=request.POST.get("answer", ""),
                                                 note=request.POST.get("note", ""))
        except ValidationError as e:
            context["refusal"] = "；".join(e.messages)
            return render(request, "activities/reply_link.html", context, status=400)
        context["done"] = True
    return render(request, "activities/reply_link.html", context)
