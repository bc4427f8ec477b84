from django.urls import path

from . import views

app_name = "library"

urlpatterns = [
    path("", views.DOCUMENT.list_view, name="document_list"),
    path("export/", views.DOCUMENT.export_view, name="document_export"),
    path("new/", views.DOCUMENT.create_view, name="document_create"),
    path("<int:pk>/", views.document_detail, name="document_detail"),
    path("<int:pk>/download/", views.document_download, name="document_download"),
    path("<int:pk>/edit/", views.DOCUMENT.edit_view, name="document_edit"),
    path("<int:pk>/delete/", views.DOCUMENT.delete_view, name="document_delete"),
]
