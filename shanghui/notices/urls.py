from django.urls import path

from . import views

app_name = "notices"

urlpatterns = [
    *views.NOTICE.urls(""),  # notice_list, _export, _create, _edit, _delete
    path("<int:pk>/", views.notice_detail, name="notice_detail"),
    path("<int:pk>/attachment/", views.notice_attachment, name="notice_attachment"),
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/<int:pk>/", views.inbox_detail, name="inbox_detail"),
]
