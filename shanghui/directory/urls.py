from django.urls import path

from . import personal_views, views

app_name = "directory"


urlpatterns = [
    *views.ENTERPRISE.urls("enterprises/"),  # enterprise_list, _export, _create, _edit, _delete
    path("enterprises/<int:pk>/", views.enterprise_detail, name="enterprise_detail"),
    *views.PERSON.urls("persons/"),  # person_list, _export, _create, _edit, _delete
    path("persons/<int:pk>/", views.person_detail, name="person_detail"),
    *views.MEMBERSHIP.urls("memberships/"),  # membership_list, _export, _create, _edit, _delete
    path("memberships/<int:pk>/", views.membership_detail, name="membership_detail"),
    path("enterprises/autocomplete/", views.enterprise_autocomplete, name="enterprise_autocomplete"),
    path("persons/autocomplete/", views.person_autocomplete, name="person_autocomplete"),
    path("persons/<int:pk>/unmask/", views.person_unmask, name="person_unmask"),
    path("persons/<int:pk>/rights/", personal_views.person_rights, name="person_rights"),
    path("persons/<int:pk>/rights/export/", personal_views.person_rights_export, name="person_rights_export"),
    path("persons/<int:pk>/rights/erase/", personal_views.person_rights_erase, name="person_rights_erase"),
]
