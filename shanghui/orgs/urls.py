from django.urls import path

from . import views

app_name = "orgs"
urlpatterns = [
    *views.CHAMBER.urls("chambers/"),  # chamber_list, _export, _create, _edit, _delete
    path("chambers/<int:pk>/", views.chamber_detail, name="chamber_detail"),
]
