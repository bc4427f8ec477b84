from django.urls import path

from . import views

app_name = "orgs"
urlpatterns = [
    path("", views.index, name="index"),
    *views.CHAMBER.urls("chambers/"),  # chamber_list, _export, _create, _edit, _delete
    path("chambers/<int:pk>/", views.chamber_detail, name="chamber_detail"),
    *views.DEPARTMENT.urls("departments/"),  # department_list, _export, _create, _edit, _delete
    *views.STATIONING.urls("stationing/"),  # stationing_list, _export, _create, _edit, _delete
    *views.STAFF.urls("staff/"),  # staff_list, _export, _create, _edit, _delete
    *views.REGION.urls("regions/"),  # region_list, _export, _create, _edit, _delete
    path("regions/merge/", views.region_merge, name="region_merge"),
    path("regions/split/", views.region_split, name="region_split"),
]
