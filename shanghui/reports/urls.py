from django.urls import path

from . import annual_views, notice_views, search, views

app_name = "reports"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("export/", views.dashboard_export, name="dashboard_export"),
    path("training/export/", views.training_export, name="training_export"),
    path("streets/", views.streets, name="streets"),
    path("search/", search.search_page, name="search"),
    path("annual-report/", annual_views.annual_report, name="annual_report"),
    path("annual-report/sections/", annual_views.annual_narrative, name="annual_narrative"),
    path("campaigns/<int:pk>/notice/", notice_views.campaign_notice, name="campaign_notice"),
    path("statistics-table/", annual_views.statistics_table, name="statistics_table"),
]
