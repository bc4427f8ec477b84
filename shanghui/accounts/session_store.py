"""Django's database sessions, except that moving the idle stamp never waits for a lock.

A page view saves its session only to move SEEN_AT (at most once a minute, sessions.py).
That save is bookkeeping: while another writer holds SQLite's write lock (a large import
copying its rows in) it is skipped instead of waited for, so reading a page never fails
or stalls behind an import; the next request stores the stamp. Every other save (a login,
a second-factor step, anything else put in the session) is made as Django makes it.
"""

from django.contrib.sessions.backends.base import UpdateError
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.db import OperationalError, connections, router

from shanghui.core.busy import is_locked, no_wait

from .sessions import SEEN_AT


class SessionStore(DatabaseSessionStore):
    def load(self):
        data = super().load()
        self._as_loaded = dict(data)
        return data

    def save(self, must_create=False):
        loaded = getattr(self, "_as_loaded", None)
        if must_create or loaded is None or self.session_key is None:
            return super().save(must_create=must_create)
        current = self._get_session()
        changed = {k for k in current.keys() | loaded.keys() if current.get(k) != loaded.get(k)}
        if changed - {SEEN_AT}:
            return super().save(must_create=must_create)
        try:
            with no_wait(connections[router.db_for_write(self.model)]):
                return super().save(must_create=must_create)
        except UpdateError:
            # Django reports any failed update so; a stamp that could not be stored (held lock, or
            # the session ended meanwhile) is simply not stored.
            return None
        except OperationalError as e:
            if not is_locked(e):
                raise
            return None
