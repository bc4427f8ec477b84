"""Honour pages (counts by level and year, list, export, detail, forms, evidence download) and the
commendation campaign (campaign, nominations, review, public notice, objections, decision)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from shanghui.accounts.pages import enterprise_page
from shanghui.accounts.scope import writes_some_region
from shanghui.core.crud import Register, form_page, post_data, require, step, today
from shanghui.core.exporting import Column
from shanghui.core.files import file_download
from shanghui.orgs.scope import writable_regions

from . import kpis, services
from .forms import (
    CampaignForm,
    HonorFilter,
    HonorForm,
    NominationForm,
    NoticeForm,
    ObjectionForm,
    RejectForm,
    ResolveForm,
)
from .models import Campaign, Honor, Level, Nomination, Objection


def _crumbs() -> list[tuple[str, str]]:
    return [("荣誉与表彰", reverse("honors:index"))]


def _honors(user):
    return (Honor.objects.visible_to(user)
            .select_related("federation", "chamber", "party_organization", "enterprise", "person",
                            "nomination__category__campaign"))


def _campaigns(user):
    return Campaign.objects.visible_to(user).select_related("region")


def _nominations(user):
    return Nomination.objects.visible_to(user).select_related(
        "category__campaign__region", "chamber__region", "nominee_chamber", "party_organization", "enterprise",
        "person")


def _page(row: Campaign | Nomination) -> str:
    """Where a workflow step on a campaign or a nomination returns to: its page."""
    name = "honors:campaign_detail" if isinstance(row, Campaign) else "honors:nomination_detail"
    return reverse(name, args=[row.pk])


def _cleaned(form, message: str) -> dict:
    """The data of a workflow step's small form; an invalid one refuses the step with `message`."""
    if not form.is_valid():
        raise ValidationError(message)
    return form.cleaned_data


# --- overview -----------------------------------------------------------------------------


@login_required
@require_GET
def index(request):
    user = request.user
    by_year = kpis.honours_by_year(user)
    years = sorted({y for y, _, _ in by_year}, reverse=True)
    cells = {(y, lv): n for y, lv, n in by_year}
    table = [(y, [cells.get((y, lv), 0) for lv in Level], sum(cells.get((y, lv), 0) for lv in Level))
             for y in years]
    campaigns = list(_campaigns(user)[:10])
    return render(request, "honors/index.html", {
        "levels": Level, "totals": kpis.honours_by_level(user), "table": table,
        "campaigns": [(c, kpis.commendations(user, c.year)) for c in campaigns],
        "can_create": writes_some_region(user),
    })


# --- honours ------------------------------------------------------------------------------

HONOR = Register(
    app="honors", noun="honor", title="荣誉", icon="bi-award", crumbs=_crumbs,
    queryset=_honors, filter_form=HonorFilter, form=HonorForm,
    list_template="honors/honor_list.html", has_detail=True, create_title="登记荣誉",
    columns=[
        Column("年度", lambda h: h.year, 8),
        Column("荣誉名称", lambda h: h.title, 40),
        Column("级别", lambda h: h.get_level_display(), 8),
        Column("获得者", lambda h: h.recipient_name, 30),
        Column("获得者类型", lambda h: h.get_recipient_kind_display(), 10),
        Column("授予单位", lambda h: h.issuer, 24),
        Column("类别", lambda h: h.category, 16),
        Column("来源", lambda h: h.nomination.category.campaign.title if h.nomination_id else "", 30),
    ],
    create=services.honor_create, update=services.honor_update, delete=services.honor_delete, row="honor",
    can_write=services.can_write_honor,
)


@enterprise_page  # an enterprise user reads his own honours (visible_to decides which)
@login_required
@require_GET
def honor_detail(request, pk):
    user = request.user
    honor = get_object_or_404(_honors(user), pk=pk)
    return render(request, "honors/honor_detail.html", {
        "honor": honor, "can_edit": services.can_write_honor(user, honor)})


def _file_view(rows, field: str, title: str):
    """The view of a row's file: only through the scoped lookup (media files are never served
    directly), audited."""
    @login_required
    @require_GET
    def view(request, pk):
        obj = get_object_or_404(rows(request.user), pk=pk)
        return file_download(by=request.user, obj=obj, field=field, title=title)

    return view


honor_evidence = enterprise_page(_file_view(_honors, "evidence", "荣誉证明材料"))


# --- campaigns ----------------------------------------------------------------------------


@login_required
@require_GET
def campaign_list(request):
    user = request.user
    return render(request, "honors/campaign_list.html", {
        "campaigns": _campaigns(user), "can_create": writable_regions(user).filter(level="district").exists()})


@login_required
@require_http_methods(["GET", "POST"])
def campaign_create(request):
    user = request.user
    district = writable_regions(user).filter(level="district").first()
    require(district is not None, "只有区工商联可以发起评选表彰。")
    form = CampaignForm(post_data(request), user=user, initial={"year": today().year})
    return form_page(request, template="shanghui/form.html", form=form, title="发起评选表彰", crumbs=_crumbs(),
                     call=lambda year, title, description, **quotas: services.campaign_create(
                         by=user, year=year, title=title, region=district, description=description,
                         categories=form.categories()),
                     redirect_to=_page,
                     cancel_url=reverse("honors:campaign_list"), success_message="评选表彰已发起，可以开始推荐。")


@login_required
@require_GET
def campaign_detail(request, pk):
    user = request.user
    campaign = get_object_or_404(_campaigns(user), pk=pk)
    nominations = _nominations(user).filter(category__campaign=campaign).prefetch_related("objections")
    approved = kpis.approved_by_category(user, campaign)
    categories = [{"category": category, "nominations": [n for n in nominations if n.category_id == category.pk],
                   "approved": approved.get(category.pk, 0)} for category in campaign.categories.all()]
    can_run = services.can_run_campaign(user, campaign)
    return render(request, "honors/campaign_detail.html", {
        "campaign": campaign, "categories": categories, "can_run": can_run,
        "whole_campaign": kpis.sees_whole_campaign(user, campaign),
        "can_nominate": services.can_nominate(user, campaign),
        "open_objections": Objection.objects.visible_to(user).open().filter(
            nomination__category__campaign=campaign).count(),
        "notice_form": NoticeForm() if can_run else None, "today": today(),
    })


def _hosted(request, rows, pk, campaign_of, message: str):
    """A row of a campaign, looked up in the user's scope, that only the hosting federation may act on."""
    obj = get_object_or_404(rows, pk=pk)
    require(services.can_run_campaign(request.user, campaign_of(obj)), message)
    return obj


def _campaign_for_run(request, pk) -> Campaign:
    return _hosted(request, _campaigns(request.user), pk, lambda c: c, "只有主办的区工商联可以管理该评选表彰。")


@login_required
@require_POST
def campaign_review(request, pk):
    campaign = _campaign_for_run(request, pk)
    return step(request, call=lambda: services.campaign_review_start(by=request.user, campaign=campaign),
                done="推荐已截止，进入审核阶段。", redirect_to=_page(campaign))


@login_required
@require_POST
def campaign_notice(request, pk):
    campaign = _campaign_for_run(request, pk)
    form = NoticeForm(request.POST)
    return step(request, call=lambda: services.notice_start(
        by=request.user, campaign=campaign, **_cleaned(form, "请填写有效的公示开始和结束日期。")),
        done="已开始公示。", redirect_to=_page(campaign))


@login_required
@require_POST
def campaign_decide(request, pk):
    campaign = _campaign_for_run(request, pk)
    return step(request, call=lambda: services.campaign_decide(by=request.user, campaign=campaign),
                done=lambda honors: f"已作出表彰决定，生成{len(honors)}项荣誉。", redirect_to=_page(campaign))


# --- nominations and objections -----------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def nomination_create(request, pk):
    user = request.user
    campaign = get_object_or_404(_campaigns(user), pk=pk)
    require(writes_some_region(user), "您无权推荐。")
    if campaign.state != Campaign.State.OPEN:
        messages.error(request, "该评选表彰已截止推荐。")
        return redirect("honors:campaign_detail", pk=campaign.pk)
    initial = {"category": request.GET["category"]} if request.GET.get("category", "").isdigit() else {}
    form = NominationForm(post_data(request), request.FILES or None, user=user, campaign=campaign, initial=initial)
    return form_page(request, template="shanghui/form.html", form=form, title=f"推荐：{campaign}",
                     crumbs=_crumbs(),
                     call=lambda **data: services.nomination_submit(by=user, **data),
                     redirect_to=_page,
                     cancel_url=_page(campaign),
                     success_message="推荐已提交")


@login_required
@require_GET
def nomination_detail(request, pk):
    user = request.user
    nomination = get_object_or_404(_nominations(user), pk=pk)
    campaign = nomination.category.campaign
    can_run = services.can_run_campaign(user, campaign)
    in_notice = campaign.state == Campaign.State.NOTICE
    return render(request, "honors/nomination_detail.html", {
        "nomination": nomination, "campaign": campaign, "can_run": can_run,
        "objections": nomination.objections.all(),
        "can_review": can_run and campaign.state in (Campaign.State.OPEN, Campaign.State.REVIEW),
        "can_withdraw": can_run and in_notice and nomination.state == Nomination.State.APPROVED,
        "can_object": (in_notice and nomination.state == Nomination.State.APPROVED
                       and services.can_write_region(user, nomination.chamber.region)),
        "reject_form": RejectForm(), "objection_form": ObjectionForm(), "resolve_form": ResolveForm(),
    })


def _nomination_for_review(request, pk) -> Nomination:
    return _hosted(request, _nominations(request.user), pk, lambda n: n.category.campaign,
                   "只有主办的区工商联可以审核推荐。")


@login_required
@require_POST
def nomination_approve(request, pk):
    nomination = _nomination_for_review(request, pk)
    return step(request, call=lambda: services.nomination_approve(by=request.user, nomination=nomination),
                done=f"已通过对“{nomination.nominee_name}”的推荐。", redirect_to=_page(nomination))


@login_required
@require_POST
def nomination_reject(request, pk):
    nomination = _nomination_for_review(request, pk)
    form = RejectForm(request.POST)
    return step(request, call=lambda: services.nomination_reject(
        by=request.user, nomination=nomination, reason=_cleaned(form, "请填写未通过的原因。")["reason"]),
        done=f"对“{nomination.nominee_name}”的推荐未通过。", redirect_to=_page(nomination))


nomination_attachment = _file_view(_nominations, "attachment", "推荐附件")


@login_required
@require_POST
def objection_create(request, pk):
    user = request.user
    nomination = get_object_or_404(_nominations(user), pk=pk)
    require(services.can_write_region(user, nomination.chamber.region), "您无权登记该推荐的异议。")
    form = ObjectionForm(request.POST)
    return step(request, call=lambda: services.objection_file(
        by=user, nomination=nomination, text=_cleaned(form, "请填写异议内容。")["text"]),
        done="异议已登记。", redirect_to=_page(nomination))


@login_required
@require_POST
def objection_resolve(request, pk):
    user = request.user
    objection = _hosted(request,
                        Objection.objects.visible_to(user).select_related("nomination__category__campaign"),
                        pk, lambda o: o.nomination.category.campaign, "只有主办的区工商联可以处理异议。")
    form = ResolveForm(request.POST)
    return step(request, call=lambda: services.objection_resolve(
        by=user, objection=objection, **_cleaned(form, "请填写处理结果。")),
        done="异议已处理。", redirect_to=_page(objection.nomination))
