"""Writes to honours and commendation campaigns. Each checks scope, validates, saves and audits.

Who may do what:
- an honour: whoever may write its recipient's region (the federation's own honours: the
  district's federation admin);
- a campaign (create, close nominations, review, public notice, decide, resolve objections):
  whoever may write the campaign's district, i.e. the federation admin;
- a nomination: whoever may write the nominating chamber's region, for a nominee inside that
  chamber's region (a street worker nominates for her street's chamber, within her street);
- an objection: whoever may write the nomination's region (staff record objections they receive).
"""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from shanghui.accounts.scope import can_write_region, require_region, require_visible
from shanghui.audit import record
from shanghui.core import services as base
from shanghui.directory.choices import PoliticalStatus
from shanghui.orgs.scope import writable_regions

from .models import (
    CATEGORY_RECIPIENT,
    RECIPIENT_FIELDS,
    Campaign,
    CampaignCategory,
    CategoryKind,
    Honor,
    Level,
    Nomination,
    Objection,
    RecipientKind,
    recipient_region,
)

PARTY_STATUSES = (PoliticalStatus.PARTY_MEMBER, PoliticalStatus.PROBATIONARY)


def _today() -> dt.date:
    return timezone.localdate()


# --- honours ------------------------------------------------------------------------------


def can_write_honor(user, honor: Honor) -> bool:
    return can_write_region(user, honor.region)


def _recipient(fields: dict) -> tuple[str, object]:
    kind = fields.get("recipient_kind")
    name = RECIPIENT_FIELDS.get(kind)
    if name is None:
        raise ValidationError({"recipient_kind": "请选择获得者类型。"})
    recipient = fields.get(name)
    if recipient is None:
        raise ValidationError({name: f"获得者类型为“{RecipientKind(kind).label}”，请选择获得者。"})
    return kind, recipient


def _clear_other_recipients(kind: str, fields: dict) -> dict:
    keep = RECIPIENT_FIELDS[kind]
    return {**fields, **{name: None for name in RECIPIENT_FIELDS.values() if name != keep}}


@transaction.atomic
def honor_create(*, by, title: str, level: str, issuer: str, year: int, recipient_kind: str, **fields) -> Honor:
    kind, recipient = _recipient({"recipient_kind": recipient_kind, **fields})
    if kind != RecipientKind.FEDERATION:
        require_visible(by, recipient, "获得者")
    require_region(by, recipient_region(kind, recipient))
    fields = _clear_other_recipients(kind, fields)
    fields["evidence"] = fields.get("evidence") or ""  # a form with no file gives None
    return base.save_new(by=by, obj=Honor(title=title, level=level, issuer=issuer, year=year,
                                          recipient_kind=kind, **fields))


# What a campaign's decision fixed: an honour from a nomination keeps these.
LOCKED_BY_DECISION = {"recipient_kind", *RECIPIENT_FIELDS.values(), "year", "level"}


@transaction.atomic
def honor_update(*, by, honor: Honor, **changes) -> Honor:
    require_region(by, honor.region)
    if "evidence" in changes:  # a form: None = keep the file, False = clear it
        if changes["evidence"] is None:
            changes.pop("evidence")
        elif changes["evidence"] is False:
            changes["evidence"] = ""
    changing = {k for k, v in changes.items() if getattr(honor, k, None) != v}
    if honor.nomination_id and changing & LOCKED_BY_DECISION:
        raise ValidationError("由评选表彰产生的荣誉不能修改获得者、级别或年度。")
    if set(changes) & {"recipient_kind", *RECIPIENT_FIELDS.values()}:
        merged = {name: changes.get(name, getattr(honor, name)) for name in ("recipient_kind",
                                                                             *RECIPIENT_FIELDS.values())}
        kind, recipient = _recipient(merged)
        if kind != RecipientKind.FEDERATION:
            require_visible(by, recipient, "获得者")
        require_region(by, recipient_region(kind, recipient))
        changes = {**changes, **_clear_other_recipients(kind, merged)}
    base.save_changes(by=by, obj=honor, changes=changes)
    return honor


@transaction.atomic
def honor_delete(*, by, honor: Honor) -> None:
    require_region(by, honor.region)
    if honor.nomination_id:
        raise ValidationError("由评选表彰决定产生的荣誉不能删除。")
    base.delete(by=by, obj=honor)


# --- campaigns ----------------------------------------------------------------------------


def can_run_campaign(user, campaign: Campaign) -> bool:
    return can_write_region(user, campaign.region)


def _require_campaign(by, campaign: Campaign) -> None:
    if not can_run_campaign(by, campaign):
        raise PermissionDenied("只有主办的区工商联可以管理该评选表彰。")


def _require_state(campaign: Campaign, *states: str, doing: str) -> None:
    if campaign.state not in states:
        allowed = "、".join(Campaign.State(s).label for s in states)
        raise ValidationError(f"评选表彰“{campaign}”当前处于“{campaign.get_state_display()}”阶段，"
                              f"只有在“{allowed}”阶段才能{doing}。")


def _lock(campaign: Campaign) -> Campaign:
    # Re-read under a row lock: two approvals (or two decisions) at once must queue, or both
    # could see room in the quota.
    # The caller's instance is refreshed in place, so it shows the new state afterwards.
    list(Campaign.objects.select_for_update().filter(pk=campaign.pk).values_list("pk"))
    campaign.refresh_from_db()
    return campaign


@transaction.atomic
def campaign_create(*, by, year: int, title: str, region, categories: list[tuple[str, int]],
                    description: str = "") -> Campaign:
    """A new campaign open for nominations; `categories` is [(CategoryKind, quota), ...]."""
    require_region(by, region)
    if not categories:
        raise ValidationError({"categories": "请至少设置一个评选类别及其名额。"})
    kinds = [k for k, _ in categories]
    if len(set(kinds)) != len(kinds):
        raise ValidationError({"categories": "同一评选表彰中每个类别只能设置一次。"})
    campaign = base.save_new(by=by, obj=Campaign(year=year, title=title, region=region, description=description))
    for kind, quota in categories:
        if kind not in CategoryKind.values:
            raise ValidationError({"categories": f"评选类别“{kind}”无效。"})
        if not isinstance(quota, int) or quota < 1:
            raise ValidationError({"categories": f"“{CategoryKind(kind).label}”的名额应为正整数。"})
        base.save_new(by=by, obj=CampaignCategory(campaign=campaign, kind=kind, quota=quota))
    return campaign


@transaction.atomic
def campaign_review_start(*, by, campaign: Campaign) -> Campaign:
    """Close nominations: from now on the federation reviews what was nominated."""
    _require_campaign(by, campaign)
    campaign = _lock(campaign)
    _require_state(campaign, Campaign.State.OPEN, doing="截止推荐")
    base.save_changes(by=by, obj=campaign, changes={"state": Campaign.State.REVIEW}, action="review_start")
    return campaign


@transaction.atomic
def notice_start(*, by, campaign: Campaign, start: dt.date, end: dt.date) -> Campaign:
    """Publish the approved nominations for public notice (公示) from `start` to `end` inclusive."""
    _require_campaign(by, campaign)
    campaign = _lock(campaign)
    _require_state(campaign, Campaign.State.OPEN, Campaign.State.REVIEW, doing="开始公示")
    if end < start:
        raise ValidationError({"notice_end": "公示结束日期不能早于开始日期。"})
    pending = Nomination.objects.filter(category__campaign=campaign, state=Nomination.State.SUBMITTED).count()
    if pending:
        raise ValidationError(f"还有{pending}个推荐尚未审核，请全部审核（通过或不通过）后再开始公示。")
    if not Nomination.objects.filter(category__campaign=campaign, state=Nomination.State.APPROVED).exists():
        raise ValidationError("没有审核通过的推荐，无需公示。")
    base.save_changes(by=by, obj=campaign, action="notice_start",
                      changes={"state": Campaign.State.NOTICE, "notice_start": start, "notice_end": end})
    return campaign


@transaction.atomic
def campaign_decide(*, by, campaign: Campaign) -> list[Honor]:
    """The decision: one district-level honour per approved nomination, all in this one transaction.

    Refused while the public notice runs (today on or before its last day), while any objection
    is unresolved, and a second time (the campaign is then decided).
    """
    _require_campaign(by, campaign)
    campaign = _lock(campaign)
    if campaign.state == Campaign.State.DECIDED:
        raise ValidationError(f"评选表彰“{campaign}”已经作出决定，不能重复决定。")
    _require_state(campaign, Campaign.State.NOTICE, doing="作出表彰决定")
    today = _today()
    if today <= campaign.notice_end:
        raise ValidationError(f"公示期至{campaign.notice_end:%Y年%-m月%-d日}，公示期满后（"
                              f"{campaign.notice_end + dt.timedelta(days=1):%Y年%-m月%-d日}起）才能作出表彰决定。")
    open_count = Objection.objects.filter(nomination__category__campaign=campaign, resolved_at__isnull=True).count()
    if open_count:
        raise ValidationError(f"还有{open_count}条公示异议尚未处理，处理完毕后才能作出表彰决定。")
    approved = (Nomination.objects.filter(category__campaign=campaign, state=Nomination.State.APPROVED)
                .select_related("category", "nominee_chamber", "party_organization", "enterprise", "person")
                .order_by("category_id", "id"))
    issuer = f"{campaign.region.name}工商联"
    honors = []
    for nomination in approved:
        kind = nomination.recipient_kind
        column = "chamber" if kind == RecipientKind.CHAMBER else RECIPIENT_FIELDS[kind]
        honor = Honor(title=f"{campaign.year}年度{nomination.category.get_kind_display()}",
                      level=Level.DISTRICT, issuer=issuer, year=campaign.year,
                      category=nomination.category.get_kind_display(), recipient_kind=kind,
                      nomination=nomination, **{column: nomination.nominee})
        honors.append(base.save_new(by=by, obj=honor))
    campaign.state = Campaign.State.DECIDED
    campaign.decided_at = timezone.now()
    campaign.save(update_fields=["state", "decided_at"])
    record(by=by, action="decide", obj=campaign, fields=["state", "decided_at"],
           extra={"honors": len(honors)})
    return honors


# --- nominations --------------------------------------------------------------------------


def can_nominate(user, campaign: Campaign) -> bool:
    return campaign.state == Campaign.State.OPEN and writable_regions(user).exists()


def is_party_member(person) -> bool:
    return (person.political_status in PARTY_STATUSES
            or person.party_records.filter(left__isnull=True).exists())


@transaction.atomic
def nomination_submit(*, by, category: CampaignCategory, chamber, reasons: str, nominee=None,
                      attachment=None, **nominees) -> Nomination:
    """A chamber nominates `nominee` (a chamber, party organisation, enterprise or person, as the
    category requires) in `category`. Accepts the nominee as `nominee=` or in its own field
    (`party_organization=`, `person=`, `enterprise=`, `nominee_chamber=`)."""
    campaign = Campaign.objects.get(pk=category.campaign_id)  # its state now, not a cached one
    require_visible(by, campaign, "评选表彰")
    _require_state(campaign, Campaign.State.OPEN, doing="推荐")
    require_visible(by, chamber, "推荐商会")
    require_region(by, chamber.region)
    kind = CATEGORY_RECIPIENT[category.kind]
    column = "nominee_chamber" if kind == RecipientKind.CHAMBER else RECIPIENT_FIELDS[kind]
    given = {k: v for k, v in nominees.items() if v is not None}
    if nominee is None:
        nominee = given.pop(column, None)
    if given:  # a nominee of another kind (a form with the wrong field filled)
        raise ValidationError({column: f"“{category.get_kind_display()}”只能推荐{RecipientKind(kind).label}，"
                                       "请在对应栏目中选择，其余留空。"})
    if nominee is None:
        raise ValidationError({column: f"“{category.get_kind_display()}”须推荐一个{RecipientKind(kind).label}。"})
    expected = {"nominee_chamber": "Chamber", "party_organization": "PartyOrganization", "enterprise": "Enterprise",
                "person": "Person"}[column]
    if type(nominee).__name__ != expected:
        raise ValidationError({column: f"“{category.get_kind_display()}”只能推荐{RecipientKind(kind).label}。"})
    require_visible(by, nominee, "被推荐对象")
    region = nominee.region
    if region is None or not region.path.startswith(chamber.region.path):
        raise ValidationError({column: f"“{nominee}”不在推荐商会“{chamber}”的范围（{chamber.region}）内。"})
    if category.kind == CategoryKind.EXCELLENT_PARTY_MEMBER and not is_party_member(nominee):
        raise ValidationError({column: f"“{nominee}”不是中共党员，不能推荐为{category.get_kind_display()}。"})
    if Nomination.objects.filter(category=category, **{column: nominee}).exclude(
            state=Nomination.State.REJECTED).exists():
        raise ValidationError({column: f"“{nominee}”已被推荐为{category.get_kind_display()}，不能重复推荐。"})
    nomination = Nomination(category=category, chamber=chamber, recipient_kind=kind, reasons=reasons,
                            attachment=attachment or "", **{column: nominee})
    return base.save_new(by=by, obj=nomination)


def _review_target(by, nomination: Nomination) -> Campaign:
    require_visible(by, nomination, "该推荐")
    campaign = nomination.category.campaign
    _require_campaign(by, campaign)
    return _lock(campaign)


@transaction.atomic
def nomination_approve(*, by, nomination: Nomination) -> Nomination:
    """Approve, within the category's quota (a full category refuses with the numbers)."""
    campaign = _review_target(by, nomination)
    _require_state(campaign, Campaign.State.OPEN, Campaign.State.REVIEW, doing="审核推荐")
    nomination.refresh_from_db()
    if nomination.state == Nomination.State.APPROVED:
        raise ValidationError(f"“{nomination.nominee_name}”的推荐已经通过。")
    category = nomination.category
    approved = category.nominations.filter(state=Nomination.State.APPROVED).count()
    if approved >= category.quota:
        raise ValidationError(f"“{category.get_kind_display()}”的名额为{category.quota}个，已通过{approved}个，"
                              "名额已满，不能再通过；如需调整，请先将已通过的推荐改为不通过。")
    base.save_changes(by=by, obj=nomination, action="approve",
                      changes={"state": Nomination.State.APPROVED, "reject_reason": "",
                               "reviewed_at": timezone.now()})
    return nomination


@transaction.atomic
def nomination_reject(*, by, nomination: Nomination, reason: str) -> Nomination:
    """Reject with a reason. Also allowed during the public notice (an objection was upheld)."""
    campaign = _review_target(by, nomination)
    _require_state(campaign, Campaign.State.OPEN, Campaign.State.REVIEW, Campaign.State.NOTICE, doing="审核推荐")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "请填写未通过的原因。"})
    nomination.refresh_from_db()
    if campaign.state == Campaign.State.NOTICE and nomination.state != Nomination.State.APPROVED:
        raise ValidationError("公示期间只能撤销已通过的推荐。")
    base.save_changes(by=by, obj=nomination, action="reject",
                      changes={"state": Nomination.State.REJECTED, "reject_reason": reason,
                               "reviewed_at": timezone.now()})
    return nomination


# --- objections ---------------------------------------------------------------------------


@transaction.atomic
def objection_file(*, by, nomination: Nomination, text: str) -> Objection:
    """Record an objection received during the public notice (公示期内)."""
    require_visible(by, nomination, "该推荐")
    require_region(by, nomination.chamber.region)
    campaign = Campaign.objects.get(pk=nomination.category.campaign_id)
    _require_state(campaign, Campaign.State.NOTICE, doing="登记异议")
    today = _today()
    if not campaign.notice_start <= today <= campaign.notice_end:
        raise ValidationError(f"公示期为{campaign.notice_start:%Y年%-m月%-d日}至{campaign.notice_end:%Y年%-m月%-d日}，"
                              "只能登记公示期内收到的异议。")
    if nomination.state != Nomination.State.APPROVED:
        raise ValidationError("只能对公示中的（已通过的）推荐登记异议。")
    return base.save_new(by=by, obj=Objection(nomination=nomination, text=(text or "").strip(), filed_by=by))


@transaction.atomic
def objection_resolve(*, by, objection: Objection, resolution: str, reject_nomination: bool = False) -> Objection:
    """Resolve an objection; if it is upheld (`reject_nomination`), the nomination is withdrawn with it."""
    require_visible(by, objection, "该异议")
    campaign = objection.nomination.category.campaign
    _require_campaign(by, campaign)
    if not objection.is_open:
        raise ValidationError("该异议已处理。")
    resolution = (resolution or "").strip()
    if not resolution:
        raise ValidationError({"resolution": "请填写处理结果。"})
    base.save_changes(by=by, obj=objection, action="resolve",
                      changes={"resolution": resolution, "resolved_at": timezone.now(), "resolved_by": by})
    if reject_nomination:
        nomination_reject(by=by, nomination=objection.nomination, reason=f"公示异议经核实：{resolution}")
    return objection
