from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from shanghui.accounts import unmask
from shanghui.accounts.scope import can_edit_enterprise, can_write_region
from shanghui.core.crud import delete_page, export_page, form_page, list_page, post_data, require
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
from .models import Enterprise, Membership, Person

AUTOCOMPLETE_LIMIT = 20


def _url(name: str):
    return lambda obj: reverse(f"directory:{name}_detail", args=[obj.pk])


# --- enterprises -------------------------------------------------------------


def _enterprises(user):
    return visible_enterprises(user).select_related("principal")


ENTERPRISE_COLUMNS = [
    Column("统一社会信用代码", lambda e: e.uscc, 22),
    Column("企业名称", lambda e: e.name, 36),
    Column("所在街道", lambda e: e.region.name, 14),
    Column("行业门类", lambda e: e.get_industry_display(), 24),
    Column("企业规模", lambda e: e.get_size_display(), 10),
    Column("从业人数", lambda e: e.employees, 10),
    Column("成立日期", lambda e: e.founded, 12),
    Column("经营状态", lambda e: e.get_status_display(), 10),
    Column("地址", lambda e: e.address, 30),
    Column("主要负责人", lambda e: e.principal.name if e.principal_id else "", 12),
]


@login_required
def enterprise_list(request):
    return list_page(request, template="directory/enterprise_list.html", queryset=_enterprises(request.user),
                     filter_form=EnterpriseFilter(request.GET, user=request.user),
                     create_url=reverse("directory:enterprise_create"), export_url=reverse("directory:enterprise_export"),
                     can_create=writable_streets(request.user).exists())


@login_required
def enterprise_export(request):
    return export_page(request, title="企业名录", queryset=_enterprises(request.user),
                       filter_form=EnterpriseFilter(request.GET, user=request.user), columns=ENTERPRISE_COLUMNS)


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


@login_required
@require_http_methods(["GET", "POST"])
def enterprise_create(request):
    require(writable_streets(request.user).exists(), "您无权新增企业。")
    form = EnterpriseForm(post_data(request), user=request.user)
    return form_page(request, template="directory/enterprise_form.html", form=form,
                     redirect_to=_url("enterprise"),
                     call=lambda **data: services.enterprise_create(by=request.user, **data))


@login_required
@require_http_methods(["GET", "POST"])
def enterprise_edit(request, pk):
    user = request.user
    enterprise = get_object_or_404(Enterprise.objects.visible_to(user), pk=pk)
    require(can_edit_enterprise(user, enterprise), "您无权修改该企业的信息。")
    form_class = EnterpriseSelfForm if user.role == Role.ENTERPRISE_USER else EnterpriseForm
    form = form_class(post_data(request), user=user, instance=enterprise)
    return form_page(request, template="directory/enterprise_form.html", form=form, enterprise=enterprise,
                     redirect_to=_url("enterprise"),
                     call=lambda **data: services.enterprise_update(by=user, enterprise=enterprise, **data))


@login_required
@require_http_methods(["GET", "POST"])
def enterprise_delete(request, pk):
    enterprise = get_object_or_404(Enterprise.objects.visible_to(request.user), pk=pk)
    require(can_write_region(request.user, enterprise.region), "您无权删除该企业。")
    return delete_page(request, obj=enterprise, what="企业", success_url=reverse("directory:enterprise_list"),
                       cancel_url=_url("enterprise")(enterprise),
                       call=lambda: services.enterprise_delete(by=request.user, enterprise=enterprise))


@login_required
@require_GET
def enterprise_autocomplete(request):
    """<option>s for the htmx picker: visible enterprises matching ?q= (name, initials, USCC prefix)."""
    rows = visible_enterprises(request.user).search(request.GET.get("q", ""))[:AUTOCOMPLETE_LIMIT]
    return render(request, "directory/_options.html", {"options": [(e.pk, enterprise_label(e)) for e in rows]})


@login_required
@require_GET
def person_autocomplete(request):
    rows = visible_persons(request.user).search(request.GET.get("q", ""))[:AUTOCOMPLETE_LIMIT]
    return render(request, "directory/_options.html", {"options": [(p.pk, person_label(p)) for p in rows]})


# --- persons -----------------------------------------------------------------


# Exports never carry plain ID or mobile numbers, whoever asks: only the masked forms.
# No birth date, year or age either: the masked ID number hides exactly the eight
# birth-date digits, so any of them beside it would narrow the number to a few dozen.
PERSON_COLUMNS = [
    Column("姓名", lambda p: p.name, 12),
    Column("性别", lambda p: p.get_gender_display(), 6),
    Column("身份证号码", lambda p: p.id_number_masked, 22),
    Column("手机号码", lambda p: p.mobile_masked, 14),
    Column("政治面貌", lambda p: p.get_political_status_display(), 12),
    Column("所属街道", lambda p: p.region.name, 14),
    Column("所在企业", lambda p: p.enterprise.name if p.enterprise_id else "", 30),
    Column("职务", lambda p: p.position, 14),
]


@login_required
def person_list(request):
    return list_page(request, template="directory/person_list.html", queryset=visible_persons(request.user),
                     filter_form=PersonFilter(request.GET, user=request.user),
                     create_url=reverse("directory:person_create"), export_url=reverse("directory:person_export"),
                     can_create=writable_streets(request.user).exists())


@login_required
def person_export(request):
    return export_page(request, title="人员名录", queryset=visible_persons(request.user),
                       filter_form=PersonFilter(request.GET, user=request.user), columns=PERSON_COLUMNS)


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


@login_required
@require_http_methods(["GET", "POST"])
def person_create(request):
    require(writable_streets(request.user).exists(), "您无权新增人员。")
    form = PersonForm(post_data(request), user=request.user)
    return form_page(request, template="directory/person_form.html", form=form, redirect_to=_url("person"),
                     call=lambda **data: services.person_create(by=request.user, **form.personal_changes(data)))


@login_required
@require_http_methods(["GET", "POST"])
def person_edit(request, pk):
    person = get_object_or_404(Person.objects.visible_to(request.user), pk=pk)
    require(can_write_region(request.user, person.region), "您无权修改该人员的信息。")
    form = PersonForm(post_data(request), user=request.user, instance=person)
    return form_page(request, template="directory/person_form.html", form=form, person=person,
                     redirect_to=_url("person"),
                     call=lambda **data: services.person_update(by=request.user, person=person,
                                                                **form.personal_changes(data)))


@login_required
@require_http_methods(["GET", "POST"])
def person_delete(request, pk):
    person = get_object_or_404(Person.objects.visible_to(request.user), pk=pk)
    require(can_write_region(request.user, person.region), "您无权删除该人员。")
    return delete_page(request, obj=person, what="人员", success_url=reverse("directory:person_list"),
                       cancel_url=_url("person")(person),
                       call=lambda: services.person_delete(by=request.user, person=person))


# --- memberships -------------------------------------------------------------


def _memberships(user):
    return Membership.objects.visible_to(user).select_related("chamber", "enterprise", "person")


MEMBERSHIP_COLUMNS = [
    Column("商会", lambda m: m.chamber.name, 26),
    Column("会员类型", lambda m: "企业" if m.enterprise_id else "个人", 8),
    Column("会员", lambda m: str(m.member), 30),
    Column("统一社会信用代码", lambda m: m.enterprise.uscc if m.enterprise_id else "", 22),
    Column("会内职务", lambda m: m.get_role_display(), 10),
    Column("入会日期", lambda m: m.joined, 12),
    Column("退会日期", lambda m: m.left, 12),
    Column("在会", lambda m: m.is_active, 8),
]


@login_required
def membership_list(request):
    return list_page(request, template="directory/membership_list.html", queryset=_memberships(request.user),
                     filter_form=MembershipFilter(request.GET, user=request.user),
                     create_url=reverse("directory:membership_create"), export_url=reverse("directory:membership_export"),
                     can_create=writable_chambers(request.user).exists())


@login_required
def membership_export(request):
    return export_page(request, title="会员名录", queryset=_memberships(request.user),
                       filter_form=MembershipFilter(request.GET, user=request.user), columns=MEMBERSHIP_COLUMNS)


@login_required
def membership_detail(request, pk):
    membership = get_object_or_404(_memberships(request.user), pk=pk)
    return render(request, "directory/membership_detail.html", {
        "membership": membership, "can_edit": can_write_region(request.user, membership.chamber.region)})


@login_required
@require_http_methods(["GET", "POST"])
def membership_create(request):
    require(writable_chambers(request.user).exists(), "您无权新增会员关系。")
    # ?chamber= / ?enterprise= / ?person= preselect when coming from a chamber's or member's page.
    initial = {k: request.GET[k] for k in ("chamber", "enterprise", "person") if request.GET.get(k, "").isdigit()}
    form = MembershipForm(post_data(request), user=request.user, initial=initial)
    return form_page(request, template="directory/membership_form.html", form=form,
                     redirect_to=_url("membership"),
                     call=lambda **data: services.membership_create(by=request.user, **data))


@login_required
@require_http_methods(["GET", "POST"])
def membership_edit(request, pk):
    membership = get_object_or_404(_memberships(request.user), pk=pk)
    require(can_write_region(request.user, membership.chamber.region), "您无权修改该会员关系。")
    form = MembershipForm(post_data(request), user=request.user, instance=membership)
    return form_page(request, template="directory/membership_form.html", form=form, membership=membership,
                     redirect_to=_url("membership"),
                     call=lambda **data: services.membership_update(by=request.user, membership=membership,
                                                                    **data))


@login_required
@require_http_methods(["GET", "POST"])
def membership_delete(request, pk):
    membership = get_object_or_404(_memberships(request.user), pk=pk)
    require(can_write_region(request.user, membership.chamber.region), "您无权删除该会员关系。")
    return delete_page(request, obj=membership, what="会员关系", success_url=reverse("directory:membership_list"),
                       cancel_url=_url("membership")(membership),
                       call=lambda: services.membership_delete(by=request.user, membership=membership))
