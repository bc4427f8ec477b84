from django.urls import path

from . import views

app_name = "honors"

urlpatterns = [
    path("", views.index, name="index"),
    *views.HONOR.urls("", list_path="list/"),  # honor_list, _export, _create, _edit, _delete
    path("<int:pk>/", views.honor_detail, name="honor_detail"),
    path("<int:pk>/evidence/", views.honor_evidence, name="honor_evidence"),
    path("campaigns/", views.campaign_list, name="campaign_list"),
    path("campaigns/new/", views.campaign_create, name="campaign_create"),
    path("campaigns/<int:pk>/", views.campaign_detail, name="campaign_detail"),
    path("campaigns/<int:pk>/review/", views.campaign_review, name="campaign_review"),
    path("campaigns/<int:pk>/notice/", views.campaign_notice, name="campaign_notice"),
    path("campaigns/<int:pk>/decide/", views.campaign_decide, name="campaign_decide"),
    path("campaigns/<int:pk>/nominate/", views.nomination_create, name="nomination_create"),
    path("nominations/<int:pk>/", views.nomination_detail, name="nomination_detail"),
    path("nominations/<int:pk>/approve/", views.nomination_approve, name="nomination_approve"),
    path("nominations/<int:pk>/reject/", views.nomination_reject, name="nomination_reject"),
    path("nominations/<int:pk>/attachment/", views.nomination_attachment, name="nomination_attachment"),
    path("nominations/<int:pk>/objections/new/", views.objection_create, name="objection_create"),
    path("objections/<int:pk>/resolve/", views.objection_resolve, name="objection_resolve"),
]
