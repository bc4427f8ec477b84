from django.urls import path

from . import registers, views

app_name = "party"


urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    *registers.ORGANIZATION.urls("organizations/"),  # organization_list, _export, _create, _edit, _delete
    *registers.COVERAGE.urls("coverages/"),  # coverage_list, _export, _create, _edit, _delete
    *registers.MEMBER.urls("members/"),  # member_list, _export, _create, _edit, _delete
    *registers.ASSIGNMENT.urls("assignments/"),  # assignment_list, _export, _create, _edit, _delete
    *registers.VISIT.urls("visits/"),  # visit_list, _export, _create, _edit, _delete
    *registers.ORGLIFE.urls("orglifes/"),  # orglife_list, _export, _create, _edit, _delete
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

# --- 发展党员 (recruitment): recruitment_views.py ---
from . import recruitment_views  # noqa: E402

urlpatterns += [
    *recruitment_views.CANDIDATE.urls("candidates/"),  # candidate_list, _export, _create, _edit, _delete
    path("candidates/<int:pk>/", recruitment_views.candidate_detail, name="candidate_detail"),
    path("candidates/<int:pk>/steps/new/", recruitment_views.candidate_step_add, name="candidate_step_add"),
    path("candidates/<int:pk>/record.docx", recruitment_views.candidate_record_docx, name="candidate_record_docx"),
    path("candidates/<int:pk>/publicity.docx", recruitment_views.candidate_publicity_docx,
         name="candidate_publicity_docx"),
    path("candidates/steps/<int:pk>/delete/", recruitment_views.recruitment_step_delete,
         name="recruitment_step_delete"),
    path("candidates/steps/<int:pk>/upload/", recruitment_views.recruitment_step_upload,
         name="recruitment_step_upload"),
    path("candidates/steps/<int:pk>/document/", recruitment_views.recruitment_step_document,
         name="recruitment_step_document"),
    path("candidates/todo/", recruitment_views.recruitment_todo, name="recruitment_todo"),
]

# --- 党费 (dues): party/dues_views.py ---
from . import dues_views  # noqa: E402

urlpatterns += [
    path("dues/", dues_views.dues_index, name="dues_index"),
    path("dues/organizations/<int:pk>/", dues_views.dues_organization, name="dues_organization"),
    path("dues/members/<int:pk>/", dues_views.dues_member, name="dues_member"),
    path("dues/members/<int:pk>/base/", dues_views.dues_base_declare, name="dues_base_declare"),
    path("dues/members/<int:pk>/pay/", dues_views.dues_payment_create, name="dues_payment_create"),
    path("dues/members/<int:pk>/reason/", dues_views.dues_reason, name="dues_reason"),
    path("dues/payments/<int:pk>/delete/", dues_views.dues_payment_delete, name="dues_payment_delete"),
    path("dues/arrears/", dues_views.dues_arrears, name="dues_arrears"),
    path("dues/arrears/export/", dues_views.dues_arrears_export, name="dues_arrears_export"),
    path("dues/hand-ups/new/", dues_views.dues_handup_create, name="dues_handup_create"),
]
