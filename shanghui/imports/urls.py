from django.urls import path

from . import views

app_name = "imports"
urlpatterns = [
    path("", views.index, name="index"),
    path("jobs/<int:pk>/", views.job_detail, name="job"),
    path("jobs/<int:pk>/state/", views.job_progress, name="job_state"),
    path("jobs/<int:pk>/commit/", views.job_commit, name="job_commit"),
    path("jobs/<int:pk>/cancel/", views.job_cancel, name="job_cancel"),
    path("jobs/<int:pk>/errors.xlsx", views.job_errors, name="job_errors"),
    path("templates/<slug:kind>.xlsx", views.template, name="template"),
    path("export/<slug:kind>/", views.export, name="export"),
    path("export/<slug:kind>/plain/", views.export_plain, name="export_plain"),
]
