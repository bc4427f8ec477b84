from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, render

from shanghui.accounts.scope import can_write_region
from shanghui.core.crud import Register, today
from shanghui.core.exporting import Column

from . import services
from .forms import ChamberFilter, ChamberForm
from .models import Chamber


def _chambers(user):
    day = today()
    active = Q(memberships__joined__lte=day) & (Q(memberships__left__isnull=True) | Q(memberships__left__gte=day))
    return (Chamber.objects.visible_to(user).select_related("region")
            .annotate(member_count=Count("memberships", filter=active))
            .order_by("region__code", "kind", "name"))  # GROUP BY queries drop Meta.ordering


CHAMBER = Register(
    app="orgs", noun="chamber", title="商会名录", what="商会", create_title="新增商会",
    queryset=_chambers, filter_form=ChamberFilter, form=ChamberForm,
    list_template="orgs/chamber_list.html", has_detail=True,
    columns=[
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
    ],
    create=services.chamber_create, update=services.chamber_update, delete=services.chamber_delete, row="chamber",
    can_write=lambda user, obj: can_write_region(user, obj.region),
)


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
