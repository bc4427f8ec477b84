from django.urls import path

from . import views

app_name = "library"

urlpatterns = [
    *views.DOCUMENT.urls(""),  # document_list, _export, _create, _edit, _delete
    path("<int:pk>/", views.document_detail, name="document_detail"),
    path("<int:pk>/download/", views.document_download, name="document_download"),
]
