import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shanghui.settings")
application = get_wsgi_application()


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
