from django.urls import path

from . import calendar, invitation_views, views

app_name = "activities"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    *views.ACTIVITY.urls("", list_path="list/"),  # activity_list, _export, _create, _edit, _delete
    path("<int:pk>/", views.activity_detail, name="activity_detail"),
    path("<int:pk>/attendance/new/", views.attendance_add, name="attendance_add"),
    path("<int:pk>/attendance/export/", views.attendance_export, name="attendance_export"),
    path("<int:pk>/qr.<slug:fmt>", views.activity_qr, name="activity_qr"),
    path("<int:pk>/poster/", views.activity_poster, name="activity_poster"),
    path("attendance/<int:pk>/delete/", views.attendance_delete, name="attendance_delete"),
    path("pending/<int:pk>/confirm/", views.pending_confirm, name="pending_confirm"),
    path("pending/<int:pk>/reject/", views.pending_reject, name="pending_reject"),
    *views.SERIES.urls("series/"),  # series_list, _export, _create, _edit, _delete
    path("series/<int:pk>/", views.series_detail, name="series_detail"),
    path("kpis/<slug:key>/<slug:which>/", views.kpi_list, name="kpi_list"),
    path("kpis/<slug:key>/<slug:which>/export/", views.kpi_export, name="kpi_export"),
    path("invitations/", views.invitations, name="invitations"),
    path("<int:pk>/invite/", invitation_views.invite, name="invite"),
    path("<int:pk>/invitations/export/", invitation_views.invitation_export, name="invitation_export"),
    path("invite/", invitation_views.invite_pick, name="invite_pick"),
    path("funnel/", invitation_views.funnel, name="funnel"),
    # Public: the page an invitation's SMS links to (signed token; no login).
    path("r/<str:token>/", invitation_views.reply_link, name="reply_link"),
    path("calendar/", calendar.calendar, name="calendar"),
    path("calendar/reset/", calendar.calendar_feed_reset, name="calendar_feed_reset"),
    # Public: a phone calendar's subscription (the token is the secret; no login).
    path("calendar/<slug:token>.ics", calendar.calendar_feed, name="calendar_feed"),
    path("invitations/<int:pk>/reply/", invitation_views.invitation_reply, name="invitation_reply"),
    # Public: the page the QR code opens (signed, expiring token; no login).
    path("s/<str:token>/", views.signin, name="signin"),
]
