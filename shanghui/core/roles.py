from django.db import models


class Role(models.TextChoices):
    FEDERATION_ADMIN = "federation_admin", "工商联管理员"
    STREET_WORKER = "street_worker", "商会专职工作者"
    PARTY_INSTRUCTOR = "party_instructor", "党建指导员"
    DEPARTMENT_HANDLER = "department_handler", "职能部门人员"
    ENTERPRISE_USER = "enterprise_user", "企业用户"
    LEADER = "leader", "领导"
    AUDITOR = "auditor", "审计员"


# Roles that change the register inside their region scope. Everyone else reads.
REGION_WRITERS = {Role.FEDERATION_ADMIN, Role.STREET_WORKER}
# Roles whose scope is a region (district or street) rather than one enterprise.
REGION_ROLES = {
    Role.FEDERATION_ADMIN,
    Role.STREET_WORKER,
    Role.PARTY_INSTRUCTOR,
    Role.DEPARTMENT_HANDLER,
    Role.LEADER,
}
