from django.urls import path

from . import personal_views, views

app_name = "directory"


urlpatterns = [
    path("enterprises/", views.ENTERPRISE.list_view, name="enterprise_list"),
    path("enterprises/export/", views.ENTERPRISE.export_view, name="enterprise_export"),
    path("enterprises/new/", views.ENTERPRISE.create_view, name="enterprise_create"),
    path("enterprises/<int:pk>/", views.enterprise_detail, name="enterprise_detail"),
    path("enterprises/<int:pk>/edit/", views.ENTERPRISE.edit_view, name="enterprise_edit"),
    path("enterprises/<int:pk>/delete/", views.ENTERPRISE.delete_view, name="enterprise_delete"),
    path("persons/", views.PERSON.list_view, name="person_list"),
    path("persons/export/", views.PERSON.export_view, name="person_export"),
    path("persons/new/", views.PERSON.create_view, name="person_create"),
    path("persons/<int:pk>/", views.person_detail, name="person_detail"),
    path("persons/<int:pk>/edit/", views.PERSON.edit_view, name="person_edit"),
    path("persons/<int:pk>/delete/", views.PERSON.delete_view, name="person_delete"),
    path("memberships/", views.MEMBERSHIP.list_view, name="membership_list"),
    path("memberships/export/", views.MEMBERSHIP.export_view, name="membership_export"),
    path("memberships/new/", views.MEMBERSHIP.create_view, name="membership_create"),
    path("memberships/<int:pk>/", views.membership_detail, name="membership_detail"),
    path("memberships/<int:pk>/edit/", views.MEMBERSHIP.edit_view, name="membership_edit"),
    path("memberships/<int:pk>/delete/", views.MEMBERSHIP.delete_view, name="membership_delete"),
    path("enterprises/autocomplete/", views.enterprise_autocomplete, name="enterprise_autocomplete"),
    path("persons/autocomplete/", views.person_autocomplete, name="person_autocomplete"),
    path("persons/<int:pk>/unmask/", views.person_unmask, name="person_unmask"),
    path("persons/<int:pk>/rights/", personal_views.person_rights, name="person_rights"),
    path("persons/<int:pk>/rights/export/", personal_views.person_rights_export, name="person_rights_export"),
    path("persons/<int:pk>/rights/erase/", personal_views.person_rights_erase, name="person_rights_erase"),
]
