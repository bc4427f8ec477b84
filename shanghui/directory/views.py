from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from shanghui.accounts import unmask
from shanghui.accounts.pages import enterprise_page
from shanghui.accounts.scope import can_edit_enterprise, can_write_region
from shanghui.core.crud import Register
from shanghui.core.exporting import Column
from shanghui.core.roles import Role

from . import services
from .forms import (
    EnterpriseFilter,
    EnterpriseForm,
    EnterpriseSelfForm,
    MembershipFilter,
    MembershipForm,
    PersonFilter,
    PersonForm,
    enterprise_label,
    person_label,
    visible_enterprises,
    visible_persons,
    writable_chambers,
    writable_streets,
)
from .models import Enterprise, Membership

AUTOCOMPLETE_LIMIT = 20


def _can_create_in_a_street(user) -> bool:
    return writable_streets(user).exists()


def _register(**spec) -> Register:
    return Register(app="directory", has_detail=True, **spec)


# --- enterprises -------------------------------------------------------------


def _enterprises(user):
    return visible_enterprises(user).select_related("principal")


def _enterprise_form(*args, user, **kwargs):
    """An enterprise's own user gets the few fields he may correct; a region's writer the whole row."""
    form_class = EnterpriseSelfForm if user.role == Role.ENTERPRISE_USER else EnterpriseForm
    return form_class(*args, user=user, **kwargs)


def _enterprise_intro(user, enterprise) -> str:
    if enterprise is not None and user.role == Role.ENTERPRISE_USER:
        return "企业用户可以更正地址、从业人数、规模和行业；名称、代码等登记信息如需更正请联系所在商会。"
    return ""


ENTERPRISE = _register(
    noun="enterprise", title="企业名录", what="企业", create_title="新增企业",
    queryset=_enterprises, filter_form=EnterpriseFilter, form=_enterprise_form,
    list_template="directory/enterprise_list.html",
    columns=[
        # Field columns: a big register's export reads plain tuples (core/exporting.py, Column.field).
        Column.field("统一社会信用代码", "uscc", 22),
        Column.field("企业名称", "name", 36),
        Column.field("所在街道", "region__name", 14),
        Column.field("行业门类", "industry", 24, display=True),
        Column.field("企业规模", "size", 10, display=True),
        Column.field("从业人数", "employees", 10),
        Column.field("成立日期", "founded", 12),
        Column.field("经营状态", "status", 10, display=True),
        Column.field("地址", "address", 30),
        Column.field("主要负责人", "principal__name", 12),
    ],
    create=services.enterprise_create, update=services.enterprise_update, delete=services.enterprise_delete, row="enterprise",
    # An enterprise's own user may correct his enterprise; only the region's writers may delete it.
    can_write=can_edit_enterprise, can_delete=lambda user, obj: can_write_region(user, obj.region),
    can_create=_can_create_in_a_street, intro=_enterprise_intro, enterprise_pages=("edit",),
)


@enterprise_page
@login_required
def enterprise_detail(request, pk):
    user = request.user
    enterprise = get_object_or_404(_enterprises(user), pk=pk)
    return render(request, "directory/enterprise_detail.html", {
        "enterprise": enterprise,
        "people": visible_persons(user).filter(enterprise=enterprise),
        "memberships": Membership.objects.visible_to(user).filter(enterprise=enterprise).select_related("chamber"),
        "can_edit": can_edit_enterprise(user, enterprise),
        "can_delete": can_write_region(user, enterprise.region),
    })


def _options(request, rows, label):
    """<option>s for the htmx picker: the first visible rows matching ?q=."""
    rows = rows.search(request.GET.get("q", ""))[:AUTOCOMPLETE_LIMIT]
    return render(request, "directory/_options.html", {"options": [(row.pk, label(row)) for row in rows]})


@login_required
@require_GET
def enterprise_autocomplete(request):
    """Visible enterprises matching ?q= (name, initials, USCC prefix)."""
    return _options(request, visible_enterprises(request.user), enterprise_label)


@login_required
@require_GET
def person_autocomplete(request):
    return _options(request, visible_persons(request.user), person_label)


# --- persons -----------------------------------------------------------------


PERSON = _register(
    noun="person", title="人员名录", what="人员", create_title="新增人员",
    queryset=visible_persons, filter_form=PersonFilter, form=PersonForm,
    list_template="directory/person_list.html",
    # Exports never carry plain ID or mobile numbers, whoever asks: only the masked forms.
    # No birth date, year or age either: the masked ID number hides exactly the eight
    # birth-date digits, so any of them beside it would narrow the number to a few dozen.
    columns=[
        Column("姓名", lambda p: p.name, 12),
        Column("性别", lambda p: p.get_gender_display(), 6),
        Column("身份证号码", lambda p: p.id_number_masked, 22),
        Column("手机号码", lambda p: p.mobile_masked, 14),
        Column("政治面貌", lambda p: p.get_political_status_display(), 12),
        Column("所属街道", lambda p: p.region.name, 14),
        Column("所在企业", lambda p: p.enterprise.name if p.enterprise_id else "", 30),
        Column("职务", lambda p: p.position, 14),
    ],
    create=services.person_create, update=services.person_update, delete=services.person_delete, row="person",
    can_write=lambda user, obj: can_write_region(user, obj.region), can_create=_can_create_in_a_street,
    intro=lambda user, person: "身份证号码和手机号码加密保存，页面和导出中只显示部分号码。",
    enterprise_pages=("list",),
)


def _unmask_offer(user, person) -> dict:
    """The unmask button, for users granted a kind of number this person has."""
    kinds = [k for k in sorted(unmask.unmask_kinds(user)) if getattr(person, f"{k}_cipher")]
    if not kinds:
        return {}
    what = "号码" if len(kinds) > 1 else unmask.KINDS[kinds[0]]
    return {"unmask_label": f"查看完整{what}", "unmask_limit": unmask.daily_limit()}


def _person_context(user, person, **extra) -> dict:
    return {
        **_unmask_offer(user, person),
        "may_handle_rights": services.may_handle_personal_rights(user, person),
        "person": person,
        "memberships": Membership.objects.visible_to(user).filter(person=person).select_related("chamber"),
        "principal_of": Enterprise.objects.visible_to(user).filter(principal=person),
        "can_edit": can_write_region(user, person.region),
        **extra,
    }


@enterprise_page
@login_required
def person_detail(request, pk):
    person = get_object_or_404(visible_persons(request.user), pk=pk)
    return render(request, "directory/person_detail.html", _person_context(request.user, person))


@never_cache
@login_required
@require_POST
def person_unmask(request, pk):
    """Show the plain numbers of the kinds the user is granted; the service checks and audits it."""
    person, plain = services.person_unmask_by_id(by=request.user, person_id=pk)
    if request.headers.get("HX-Request"):
        return render(request, "directory/_personal.html", {"person": person, "plain": plain})
    return render(request, "directory/person_detail.html", _person_context(request.user, person, plain=plain))


# --- memberships -------------------------------------------------------------


def _memberships(user):
    return Membership.objects.visible_to(user).select_related("chamber", "enterprise", "person")


MEMBERSHIP = _register(
    noun="membership", title="会员名录", what="会员关系", create_title="新增会员关系",
    queryset=_memberships, filter_form=MembershipFilter, form=MembershipForm,
    list_template="directory/membership_list.html",
    columns=[
        Column("商会", lambda m: m.chamber.name, 26),
        Column("会员类型", lambda m: "企业" if m.enterprise_id else "个人", 8),
        Column("会员", lambda m: str(m.member), 30),
        Column("统一社会信用代码", lambda m: m.enterprise.uscc if m.enterprise_id else "", 22),
        Column("会内职务", lambda m: m.get_role_display(), 10),
        Column("入会日期", lambda m: m.joined, 12),
        Column("退会日期", lambda m: m.left, 12),
        Column("在会", lambda m: m.is_active, 8),
    ],
    create=services.membership_create, update=services.membership_update, delete=services.membership_delete, row="membership",
    can_write=lambda user, obj: can_write_region(user, obj.chamber.region),
    can_create=lambda user: writable_chambers(user).exists(),
    # Coming from a chamber's or member's page.
    preselect=("chamber", "enterprise", "person"), enterprise_pages=("list",),
)


@enterprise_page
@login_required
def membership_detail(request, pk):
    membership = get_object_or_404(_memberships(request.user), pk=pk)
    return render(request, "directory/membership_detail.html", {
        "membership": membership, "can_edit": can_write_region(request.user, membership.chamber.region)})
