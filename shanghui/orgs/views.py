from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from shanghui.accounts.scope import can_write_region
from shanghui.core.crud import delete_page, export_page, form_page, list_page, post_data, require, today
from shanghui.core.exporting import Column
from shanghui.orgs.scope import writable_regions

from . import services
from .forms import ChamberFilter, ChamberForm
from .models import Chamber


def _chambers(user):
    day = today()
    active = Q(memberships__joined__lte=day) & (Q(memberships__left__isnull=True) | Q(memberships__left__gte=day))
    return (Chamber.objects.visible_to(user).select_related("region")
            .annotate(member_count=Count("memberships", filter=active))
            .order_by("region__code", "kind", "name"))  # GROUP BY queries drop Meta.ordering


def _detail_url(chamber) -> str:
    return reverse("orgs:chamber_detail", args=[chamber.pk])


@login_required
def chamber_list(request):
    return list_page(request, template="orgs/chamber_list.html", queryset=_chambers(request.user),
                     filter_form=ChamberFilter(request.GET, user=request.user),
                     create_url=reverse("orgs:chamber_create"), export_url=reverse("orgs:chamber_export"),
                     can_create=writable_regions(request.user).exists())


EXPORT_COLUMNS = [
    Column("名称", lambda c: c.name, 30),
    Column("类型", lambda c: c.get_kind_display(), 10),
    Column("所在区域", lambda c: c.region.name, 14),
    Column("成立日期", lambda c: c.founded, 12),
    Column("个人会员制", lambda c: c.individual_members, 10),
    Column("办公场地保障", lambda c: c.has_office, 10),
    Column("服务职能保障", lambda c: c.has_service_functions, 10),
    Column("工作人员保障", lambda c: c.has_staff, 10),
    Column("经费保障", lambda c: c.has_funding, 10),
    Column("有效会员数", lambda c: c.member_count, 10),
    Column("地址", lambda c: c.address, 30),
    Column("联系电话", lambda c: c.phone, 16),
    Column("有效", lambda c: c.is_active, 8),
]


@login_required
def chamber_export(request):
    return export_page(request, title="商会名录", queryset=_chambers(request.user),
                       filter_form=ChamberFilter(request.GET, user=request.user), columns=EXPORT_COLUMNS)


@login_required
def chamber_detail(request, pk):
    chamber = get_object_or_404(_chambers(request.user), pk=pk)
    members = (chamber.memberships.visible_to(request.user)
               .select_related("enterprise", "person").order_by("left", "-joined"))
    return render(request, "orgs/chamber_detail.html", {
        "chamber": chamber,
        "stationed": chamber.stationed.select_related("department").order_by("department__code"),
        "staff": chamber.staff.all(),
        "members": members[:50],
        "member_total": members.count(),
        "can_edit": can_write_region(request.user, chamber.region),
    })


@login_required
@require_http_methods(["GET", "POST"])
def chamber_create(request):
    require(writable_regions(request.user).exists(), "您无权新增商会。")
    form = ChamberForm(post_data(request), user=request.user)
    return form_page(request, template="orgs/chamber_form.html", form=form, redirect_to=_detail_url,
                     call=lambda **data: services.chamber_create(by=request.user, **data))


@login_required
@require_http_methods(["GET", "POST"])
def chamber_edit(request, pk):
    chamber = get_object_or_404(Chamber.objects.visible_to(request.user), pk=pk)
    require(can_write_region(request.user, chamber.region), "您无权修改该商会。")
    form = ChamberForm(post_data(request), user=request.user, instance=chamber)
    return form_page(request, template="orgs/chamber_form.html", form=form, chamber=chamber,
                     redirect_to=_detail_url,
                     call=lambda **data: services.chamber_update(by=request.user, chamber=chamber, **data))


@login_required
@require_http_methods(["GET", "POST"])
def chamber_delete(request, pk):
    chamber = get_object_or_404(Chamber.objects.visible_to(request.user), pk=pk)
    require(can_write_region(request.user, chamber.region), "您无权删除该商会。")
    return delete_page(request, obj=chamber, what="商会", success_url=reverse("orgs:chamber_list"),
                       cancel_url=_detail_url(chamber),
                       call=lambda: services.chamber_delete(by=request.user, chamber=chamber))
