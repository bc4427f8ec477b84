from django.urls import path

from . import views

app_name = "servicedesk"

urlpatterns = [
    path("", views.request_list, name="index"),
    path("export/", views.request_export, name="export"),
    path("new/", views.request_file, name="file"),
    path("<int:pk>/", views.request_detail, name="detail"),
    path("<int:pk>/act/<slug:action>/", views.request_act, name="act"),
    path("<int:pk>/attachments/", views.attachment_add, name="attachment_add"),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment"),
    path("notifications/", views.notifications, name="notifications"),
    path("notifications/read/", views.notifications_read, name="notifications_read"),
    path("kpis/", views.kpi_page, name="kpis"),
    path("kpis/<slug:figure>/", views.kpi_list, name="kpi_list"),
    path("kpis/<slug:figure>/export/", views.kpi_export, name="kpi_export"),
    path("categories/", views.category_list, name="categories"),
    path("categories/<int:pk>/", views.category_edit, name="category_edit"),
    path("holidays/", views.holiday_list, name="holidays"),
    path("holidays/<int:pk>/delete/", views.holiday_delete, name="holiday_delete"),
]
