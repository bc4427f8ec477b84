from django.contrib import admin
from django.urls import include, path

from shanghui.api.urls import api
from shanghui.core import views as core_views
from shanghui.reports import views as reports_views

urlpatterns = [
    path("", reports_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("accounts/", include("shanghui.accounts.urls")),
    path("orgs/", include("shanghui.orgs.urls")),
    path("directory/", include("shanghui.directory.urls")),
    path("party/", include("shanghui.party.urls")),
    path("activities/", include("shanghui.activities.urls")),
    path("service/", include("shanghui.servicedesk.urls")),
    path("honors/", include("shanghui.honors.urls")),
    path("community/", include("shanghui.community.urls")),
    path("library/", include("shanghui.library.urls")),
    path("notices/", include("shanghui.notices.urls")),
    path("reports/", include("shanghui.reports.urls")),
    path("audit/", include("shanghui.audit.urls")),
    path("settings/", include("shanghui.core.urls")),
    path("imports/", include("shanghui.imports.urls")),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
]

handler404 = "shanghui.api.errors.not_found"
handler500 = "shanghui.core.faults.server_error"
