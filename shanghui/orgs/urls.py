from django.urls import path

from . import views

app_name = "orgs"
urlpatterns = [
    path("chambers/", views.CHAMBER.list_view, name="chamber_list"),
    path("chambers/export/", views.CHAMBER.export_view, name="chamber_export"),
    path("chambers/new/", views.CHAMBER.create_view, name="chamber_create"),
    path("chambers/<int:pk>/", views.chamber_detail, name="chamber_detail"),
    path("chambers/<int:pk>/edit/", views.CHAMBER.edit_view, name="chamber_edit"),
    path("chambers/<int:pk>/delete/", views.CHAMBER.delete_view, name="chamber_delete"),
]
