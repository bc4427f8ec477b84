from django.urls import path

from . import views

app_name = "orgs"
urlpatterns = [
    path("chambers/", views.chamber_list, name="chamber_list"),
    path("chambers/export/", views.chamber_export, name="chamber_export"),
    path("chambers/new/", views.chamber_create, name="chamber_create"),
    path("chambers/<int:pk>/", views.chamber_detail, name="chamber_detail"),
    path("chambers/<int:pk>/edit/", views.chamber_edit, name="chamber_edit"),
    path("chambers/<int:pk>/delete/", views.chamber_delete, name="chamber_delete"),
]
