from django.urls import path

from . import views

app_name = "activities"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("list/", views.ACTIVITY.list_view, name="activity_list"),
    path("export/", views.ACTIVITY.export_view, name="activity_export"),
    path("new/", views.ACTIVITY.create_view, name="activity_create"),
    path("<int:pk>/", views.activity_detail, name="activity_detail"),
    path("<int:pk>/edit/", views.ACTIVITY.edit_view, name="activity_edit"),
    path("<int:pk>/delete/", views.ACTIVITY.delete_view, name="activity_delete"),
    path("<int:pk>/attendance/new/", views.attendance_add, name="attendance_add"),
    path("<int:pk>/attendance/export/", views.attendance_export, name="attendance_export"),
    path("<int:pk>/qr.<slug:fmt>", views.activity_qr, name="activity_qr"),
    path("<int:pk>/poster/", views.activity_poster, name="activity_poster"),
    path("attendance/<int:pk>/delete/", views.attendance_delete, name="attendance_delete"),
    path("pending/<int:pk>/confirm/", views.pending_confirm, name="pending_confirm"),
    path("pending/<int:pk>/reject/", views.pending_reject, name="pending_reject"),
    path("series/", views.SERIES.list_view, name="series_list"),
    path("series/export/", views.SERIES.export_view, name="series_export"),
    path("series/new/", views.SERIES.create_view, name="series_create"),
    path("series/<int:pk>/", views.series_detail, name="series_detail"),
    path("series/<int:pk>/edit/", views.SERIES.edit_view, name="series_edit"),
    path("series/<int:pk>/delete/", views.SERIES.delete_view, name="series_delete"),
    path("kpis/<slug:key>/<slug:which>/", views.kpi_list, name="kpi_list"),
    path("kpis/<slug:key>/<slug:which>/export/", views.kpi_export, name="kpi_export"),
    path("invitations/", views.invitations, name="invitations"),
    # Public: the page the QR code opens (signed, expiring token; no login).
    path("s/<str:token>/", views.signin, name="signin"),
]
