from django.urls import path

from . import views

app_name = "community"

urlpatterns = [
    path("", views.index, name="index"),
    path("projects/", views.project_list, name="project_list"),
    path("projects/export/", views.project_export, name="project_export"),
    path("projects/new/", views.project_create, name="project_create"),
    path("projects/<int:pk>/", views.project_detail, name="project_detail"),
    path("projects/<int:pk>/edit/", views.project_edit, name="project_edit"),
    path("projects/<int:pk>/delete/", views.project_delete, name="project_delete"),
    path("contributions/", views.contribution_list, name="contribution_list"),
    path("contributions/export/", views.contribution_export, name="contribution_export"),
    path("contributions/new/", views.contribution_create, name="contribution_create"),
    path("contributions/<int:pk>/edit/", views.contribution_edit, name="contribution_edit"),
    path("contributions/<int:pk>/delete/", views.contribution_delete, name="contribution_delete"),
    path("aid/", views.aid_list, name="aid_list"),
    path("aid/export/", views.aid_export, name="aid_export"),
    path("aid/new/", views.aid_create, name="aid_create"),
    path("aid/<int:pk>/", views.aid_detail, name="aid_detail"),
    path("aid/<int:pk>/edit/", views.aid_edit, name="aid_edit"),
    path("aid/<int:pk>/delete/", views.aid_delete, name="aid_delete"),
    path("youth/", views.youth, name="youth"),
    path("youth/export/", views.youth_export, name="youth_export"),
]
