import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shanghui.settings")
application = get_wsgi_application()

# In a process whose apps were already ready (`shanghui serve` loads this module after manage.py's
# own set-up), get_wsgi_application() configures logging again, Django's default handlers first,
# and no app's ready() runs to mask them: put the filter on every handler now.
from shanghui.core.redact import install_log_filter  # noqa: E402 (needs the settings set above)

install_log_filter()
