"""`manage.py issue_token USERNAME [--name NAME]`: issue an API token and print its key once."""

from django.core.management.base import BaseCommand, CommandError

from shanghui.accounts.models import ApiToken, User
from shanghui.audit import record


class Command(BaseCommand):
    help = "为用户签发 API 令牌。令牌只显示这一次，系统只保存其摘要。"

    def add_arguments(self, parser):
        parser.add_argument("username", help="用户名")
        parser.add_argument("--name", default="默认", help="令牌名称，便于日后识别和吊销")

    def handle(self, *args, username: str, name: str, **options):
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"用户“{username}”不存在。")
        if not user.is_active:
            raise CommandError(f"用户“{username}”已停用，不能签发令牌。")
        token, key = ApiToken.issue(user=user, name=name)
        # The actor is the console, not a logged-in user; the event names the token, never the key.
        record(by=None, action="create", obj=token, fields=["name"], extra={"command": "issue_token"})
        self.stderr.write(f"已为“{username}”签发令牌“{name}”。请立即保存，它不会再次显示：")
        self.stdout.write(key)
