"""Signals for the apps above: an import writes rows that other apps' figures are built from."""

from django.dispatch import Signal

# Sent with `job` (an ImportJob) once its rows are committed, in the job's background thread.
import_committed = Signal()

# Sent with `kind` and `result` inside the import's transaction, once its rows are written and before
# it commits (the web job and the CLI alike): the apps above count what the import added in the same
# transaction, so that the first reader after a big import finds nothing left to count.
import_written = Signal()
