from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from shanghui.accounts.pages import enterprise_page
from shanghui.core import config, health
from shanghui.core.crud import apply_errors, post_data, require
from shanghui.core.forms import SettingsForm


@enterprise_page
@never_cache
@require_GET
def healthz(request):
    """For monitors: no login, no personal data; 200 when every check is ok, else 503 (core/health.py)."""
    data = health.report()
    return JsonResponse(data, status=200 if data["status"] == "ok" else 503, json_dumps_params={"ensure_ascii": False})


@login_required
@require_http_methods(["GET", "POST"])
def settings_page(request):
    """系统设置: the settings of core/config.py, grouped, with their recent changes from the audit log."""
    user = request.user
    require(config.can_configure(user), config.DENIED)
    form = SettingsForm(post_data(request), user=user)
    if request.method == "POST" and form.is_valid():
        try:
            changed = form.save(by=user)
        except ValidationError as e:
            apply_errors(form, e)
        else:
            messages.success(request, f"已保存 {changed} 项设置。" if changed else "没有修改任何设置。")
            return redirect("core:settings")
    return render(request, "core/settings.html", {
        "form": form, "groups": form.groups(), "history": config.history(user),
        "lock_variable": config.LOCK_VARIABLE})
