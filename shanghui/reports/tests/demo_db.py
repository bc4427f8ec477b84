"""A module-scoped demo data set for the report tests (generating it takes several seconds).

The data live in one outer transaction that is rolled back when the module is done, so
the tests of other modules never see them; each test runs in its own savepoint inside it.
"""

from django.db import transaction

from shanghui.demo.generator import generate

ENTERPRISES = 300


def demo_data(django_db_blocker, seed: int = 5):
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            counts = generate(seed=seed, enterprises=ENTERPRISES)
            yield counts
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
