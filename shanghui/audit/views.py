from django.contrib.auth.decorators import login_required

from shanghui.accounts.roles import Role
from shanghui.core.crud import list_page, require

from .events import ACTION_LABELS
from .forms import AuditFilter
from .models import AuditEvent


def can_read_audit(user) -> bool:
    return user.is_superuser or user.role in (Role.FEDERATION_ADMIN, Role.AUDITOR)


@login_required
def event_list(request):
    require(can_read_audit(request.user), "只有工商联管理员、审计员和系统管理员可以查看审计日志。")
    return list_page(request, template="audit/event_list.html",
                     queryset=AuditEvent.objects.visible_to(request.user).select_related("actor"),
                     filter_form=AuditFilter(request.GET, user=request.user), action_labels=ACTION_LABELS)
