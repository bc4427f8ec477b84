"""Audit events. `record()` is the one way to write one."""


def record(**kwargs):
    from .events import record as _record

    return _record(**kwargs)
