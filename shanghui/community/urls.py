from django.urls import path

from . import views

app_name = "community"

urlpatterns = [
    path("", views.index, name="index"),
    *views.PROJECT.urls("projects/"),  # project_list, _export, _create, _edit, _delete
    path("projects/<int:pk>/", views.project_detail, name="project_detail"),
    *views.CONTRIBUTION.urls("contributions/"),  # contribution_list, _export, _create, _edit, _delete
    *views.AID.urls("aid/"),  # aid_list, _export, _create, _edit, _delete
    path("aid/<int:pk>/", views.aid_detail, name="aid_detail"),
    path("youth/", views.youth, name="youth"),
    path("youth/export/", views.youth_export, name="youth_export"),
]
