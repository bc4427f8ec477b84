from django.core.management.base import BaseCommand

from shanghui.orgs.seed import load_departments, load_dongcheng


class Command(BaseCommand):
    help = "载入东城区行政区划（17个街道）和常用职能部门（可重复执行）。"

    def handle(self, *args, **options):
        district = load_dongcheng()
        load_departments()
        self.stdout.write(f"已载入 {district.name} 及其 {district.children.count()} 个街道。")
