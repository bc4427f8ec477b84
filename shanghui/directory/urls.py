from django.urls import path

from . import personal_views, views

app_name = "directory"


def _crud(noun: str) -> list:
    """The six pages every register kind has: list, export, create, detail, edit, delete."""
    v = views.__dict__
    return [
        path(f"{noun}s/", v[f"{noun}_list"], name=f"{noun}_list"),
        path(f"{noun}s/export/", v[f"{noun}_export"], name=f"{noun}_export"),
        path(f"{noun}s/new/", v[f"{noun}_create"], name=f"{noun}_create"),
        path(f"{noun}s/<int:pk>/", v[f"{noun}_detail"], name=f"{noun}_detail"),
        path(f"{noun}s/<int:pk>/edit/", v[f"{noun}_edit"], name=f"{noun}_edit"),
        path(f"{noun}s/<int:pk>/delete/", v[f"{noun}_delete"], name=f"{noun}_delete"),
    ]


urlpatterns = [
    *_crud("enterprise"),
    *_crud("person"),
    *_crud("membership"),
    path("enterprises/autocomplete/", views.enterprise_autocomplete, name="enterprise_autocomplete"),
    path("persons/autocomplete/", views.person_autocomplete, name="person_autocomplete"),
    path("persons/<int:pk>/unmask/", views.person_unmask, name="person_unmask"),
    path("persons/<int:pk>/rights/", personal_views.person_rights, name="person_rights"),
    path("persons/<int:pk>/rights/export/", personal_views.person_rights_export, name="person_rights_export"),
    path("persons/<int:pk>/rights/erase/", personal_views.person_rights_erase, name="person_rights_erase"),
]
