from django.contrib.auth import views as auth_views
from django.urls import path

from . import views
from .pages import enterprise_page

app_name = "accounts"
urlpatterns = [
    path("login/", enterprise_page(views.LoginView.as_view()), name="login"),
    path("logout/", enterprise_page(auth_views.LogoutView.as_view()), name="logout"),  # POST only (Django 5)
    path("password/", views.password_change, name="password_change"),
    path("stats-year/", views.stats_year, name="stats_year"),
    path("2fa/", views.totp_setup, name="totp_setup"),
    path("2fa/verify/", views.totp_verify, name="totp_verify"),
    path("2fa/disable/", views.totp_disable, name="totp_disable"),
    path("users/", views.user_list, name="user_list"),
    path("users/new/", views.user_create, name="user_create"),
    path("users/<int:pk>/", views.user_edit, name="user_edit"),
    path("users/<int:pk>/active/", views.user_set_active, name="user_set_active"),
    path("users/<int:pk>/reset-password/", views.user_reset_password, name="user_reset_password"),
    path("users/<int:pk>/reset-2fa/", views.user_reset_2fa, name="user_reset_2fa"),
    path("users/<int:pk>/unlock/", views.user_unlock, name="user_unlock"),
    path("users/<int:pk>/require-2fa/", views.user_require_2fa, name="user_require_2fa"),
]
