import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shanghui.settings")
application = get_wsgi_application()

# In a process whose apps were already ready (`shanghui serve` loads this module after manage.py's
# own set-up), get_wsgi_application() configures logging again, Django's default handlers first,
# and no app's ready() runs to mask them: put the filter on every handler now.
from shanghui.core.redact import install_log_filter  # noqa: E402 (needs the settings set above)

install_log_filter()


def _recover_interrupted_imports() -> None:
    # Import jobs run in threads of the server process: any left "running" by a process that
    # has died are failed now, with their files removed, rather than shown as running for ever.
    import logging

    from django.db import DatabaseError

    from shanghui.imports import jobs

    try:
        jobs.recover_interrupted()
    except DatabaseError:  # not migrated yet, or the database is unreachable: the site will say so
        logging.getLogger(__name__).warning("could not check for interrupted import jobs", exc_info=True)


_recover_interrupted_imports()
