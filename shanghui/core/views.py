from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from shanghui.core import health
from shanghui.core.crud import today
from shanghui.core.roles import Role
from shanghui.directory.models import Enterprise
from shanghui.orgs.forms import streets_in_scope
from shanghui.orgs.models import Chamber

# The roles whose home is the statistics dashboard (reports:dashboard).
DASHBOARD_ROLES = (Role.FEDERATION_ADMIN, Role.LEADER, Role.STREET_WORKER, Role.PARTY_INSTRUCTOR)


@login_required
def home(request):
    """Everyone lands on the one page that is his: the dashboard for district and street staff and
    leaders, the enterprise's page, the audit log, the service requests for department handlers;
    the others (the superuser) on the streets overview.
    """
    user = request.user
    if user.role == Role.ENTERPRISE_USER and user.enterprise_id:
        return redirect("directory:enterprise_detail", pk=user.enterprise_id)
    if user.role == Role.AUDITOR:
        return redirect("audit:event_list")
    if user.role in DASHBOARD_ROLES and user.region_id:
        return redirect("reports:dashboard")
    if user.role == Role.DEPARTMENT_HANDLER:
        return redirect("servicedesk:index")
    return street_overview(request)


def street_overview(request):
    """街道概况: the district's streets and their chambers, as far as the user's scope reaches."""
    user = request.user
    day = today()
    active = Q(memberships__joined__lte=day) & (Q(memberships__left__isnull=True) | Q(memberships__left__gte=day))
    chambers = (Chamber.objects.visible_to(user).filter(is_active=True).select_related("region")
                .annotate(member_count=Count("memberships", filter=active)).order_by("region__code", "kind", "name"))
    street_chambers = {c.region_id: c for c in chambers.filter(kind=Chamber.Kind.STREET)}
    # order_by() clears the model's default ordering, which would otherwise split the GROUP BY.
    enterprise_counts = dict(Enterprise.objects.visible_to(user).active().order_by().values_list("region")
                             .annotate(n=Count("id")).values_list("region", "n"))
    streets = [
        {"street": s, "chamber": street_chambers.get(s.pk), "enterprises": enterprise_counts.get(s.pk, 0)}
        for s in streets_in_scope(user)
    ]
    with_chamber = [s for s in streets if s["chamber"]]
    return render(request, "home.html", {
        "streets": streets,
        "other_chambers": chambers.exclude(kind=Chamber.Kind.STREET),
        "totals": {
            "streets": len(streets),
            "chambers": len(with_chamber),
            "fully_guaranteed": sum(1 for s in with_chamber if s["chamber"].guarantees == 4),
            "members": sum(s["chamber"].member_count for s in with_chamber),
            "enterprises": sum(enterprise_counts.values()),
        },
    })


@never_cache
@require_GET
def healthz(request):
    """For monitors: no login, no personal data; 200 when every check is ok, else 503 (core/health.py)."""
    data = health.report()
    return JsonResponse(data, status=200 if data["status"] == "ok" else 503, json_dumps_params={"ensure_ascii": False})
