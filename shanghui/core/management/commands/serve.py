"""`shanghui serve`: the production web server, waitress (pure Python: Linux and Windows alike).

Static files are collected first and served by WhiteNoise from the same process; a
reverse proxy (nginx, IIS) in front terminates TLS. Behind it, set SHANGHUI_TRUSTED_PROXY
to the proxy's address so that waitress takes the client address and scheme from its
X-Forwarded-For / X-Forwarded-Proto headers, and ignores them from anyone else.
"""

import os

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.core.servers.basehttp import get_internal_wsgi_application


class Command(BaseCommand):
    help = "用 waitress 启动网站（生产环境）；先收集静态文件。"

    def add_arguments(self, parser):
        parser.add_argument("--host", default=settings.SHANGHUI_HOST, help="监听地址（默认 SHANGHUI_HOST）")
        parser.add_argument("--port", type=int, default=settings.SHANGHUI_PORT, help="端口（默认 SHANGHUI_PORT）")
        parser.add_argument("--threads", type=int, default=int(os.environ.get("SHANGHUI_THREADS", 8)))
        parser.add_argument("--no-collectstatic", action="store_false", dest="collectstatic",
                            help="不先收集静态文件")

    def handle(self, **options):
        from waitress import serve

        if options["collectstatic"]:
            call_command("collectstatic", interactive=False, verbosity=0)
        application = get_internal_wsgi_application()  # after collectstatic: WhiteNoise indexes the files once, here

        proxy = os.environ.get("SHANGHUI_TRUSTED_PROXY", "")
        self.stdout.write(f"shanghui 正在 http://{options['host']}:{options['port']}/ 上服务"
                          f"{f'（信任代理 {proxy}）' if proxy else ''}。按 Ctrl+C 停止。")
        self.stdout.flush()
        # waitress rejects None for its proxy settings: without a trusted proxy they are left out entirely
        # (it then ignores every X-Forwarded-* header).
        proxy_options = {"trusted_proxy": proxy, "trusted_proxy_headers": {"x-forwarded-for", "x-forwarded-proto"},
                         "clear_untrusted_proxy_headers": True} if proxy else {}
        serve(application, host=options["host"], port=options["port"], threads=options["threads"],
              ident="shanghui", **proxy_options)
