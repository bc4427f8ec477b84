"""Signals for the apps above: an import writes rows that other apps' figures are built from."""

from django.dispatch import Signal

# Sent with `job` (an ImportJob) once its rows are committed, in the job's background thread.
import_committed = Signal()
