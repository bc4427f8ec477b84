from django.urls import path

from . import views

app_name = "community"

urlpatterns = [
    path("", views.index, name="index"),
    path("projects/", views.PROJECT.list_view, name="project_list"),
    path("projects/export/", views.PROJECT.export_view, name="project_export"),
    path("projects/new/", views.PROJECT.create_view, name="project_create"),
    path("projects/<int:pk>/", views.project_detail, name="project_detail"),
    path("projects/<int:pk>/edit/", views.PROJECT.edit_view, name="project_edit"),
    path("projects/<int:pk>/delete/", views.PROJECT.delete_view, name="project_delete"),
    path("contributions/", views.CONTRIBUTION.list_view, name="contribution_list"),
    path("contributions/export/", views.CONTRIBUTION.export_view, name="contribution_export"),
    path("contributions/new/", views.CONTRIBUTION.create_view, name="contribution_create"),
    path("contributions/<int:pk>/edit/", views.CONTRIBUTION.edit_view, name="contribution_edit"),
    path("contributions/<int:pk>/delete/", views.CONTRIBUTION.delete_view, name="contribution_delete"),
    path("aid/", views.AID.list_view, name="aid_list"),
    path("aid/export/", views.AID.export_view, name="aid_export"),
    path("aid/new/", views.AID.create_view, name="aid_create"),
    path("aid/<int:pk>/", views.aid_detail, name="aid_detail"),
    path("aid/<int:pk>/edit/", views.AID.edit_view, name="aid_edit"),
    path("aid/<int:pk>/delete/", views.AID.delete_view, name="aid_delete"),
    path("youth/", views.youth, name="youth"),
    path("youth/export/", views.youth_export, name="youth_export"),
]
