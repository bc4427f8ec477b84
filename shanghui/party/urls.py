from django.urls import path

from . import views
from .registers import REGISTERS

app_name = "party"


def _register(noun: str) -> list:
    """list, export, create, edit, delete of one register (detail pages are added below where there is one)."""
    v = views.REGISTER_VIEWS[noun]
    return [
        path(f"{noun}s/", v["list"], name=f"{noun}_list"),
        path(f"{noun}s/export/", v["export"], name=f"{noun}_export"),
        path(f"{noun}s/new/", v["create"], name=f"{noun}_create"),
        path(f"{noun}s/<int:pk>/edit/", v["edit"], name=f"{noun}_edit"),
        path(f"{noun}s/<int:pk>/delete/", v["delete"], name=f"{noun}_delete"),
    ]


urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    *[p for noun in REGISTERS for p in _register(noun)],
    path("organizations/<int:pk>/", views.organization_detail, name="organization_detail"),
    path("members/<int:pk>/", views.member_detail, name="member_detail"),
    path("members/<int:pk>/transfer/", views.member_transfer, name="member_transfer"),
    path("assignments/<int:pk>/", views.assignment_detail, name="assignment_detail"),
    path("coverages/<int:pk>/move/", views.coverage_move, name="coverage_move"),
    path("orglifes/<int:pk>/minutes/", views.orglife_minutes, name="orglife_minutes"),
    path("kpis/<slug:key>/<slug:which>/", views.kpi_list, name="kpi_list"),
    path("kpis/<slug:key>/<slug:which>/export/", views.kpi_export, name="kpi_export"),
    path("compliance/", views.compliance, name="compliance"),
    path("should-form-own/", views.should_form_own, name="should_form_own"),
]
