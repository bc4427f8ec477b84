"""Uniqueness and overlap messages that never name a record outside the user's scope (docs/design.md §4).

A clash with a record the user may see is named, so that it can be found and corrected. A clash
with a record outside the user's scope gets one neutral sentence that names nothing of it (no
name, no id, no organisation), and the refusal is an audit event, so the federation can follow
it up. Every path that finds such a clash (form, API, import, service) goes through this module:

- a model's `clean` raises `Clash(...)`: it reads the neutral sentence until `for_user` (called
  by the service helpers, which know the acting user) turns it into the named one or audits it;
- an import row asks `message(...)` for the text of its row error.

A refusal's audit event must outlive the transaction the refusal rolls back: inside
`refusals_audited` (a decorator on the services, a block around an import) events are queued and
written when the outermost such block ends, after its transaction.
"""

import contextlib
import re
from contextvars import ContextVar

from django.core.exceptions import NON_FIELD_ERRORS, FieldDoesNotExist, ValidationError
from django.db import models
from django.db.models.constraints import BaseConstraint

from shanghui.audit import record

OTHER_UNIT = "该{what}已在其他单位登记，请联系区工商联核实"
DUPLICATE = "与已有记录重复，未作任何修改。"
CONSTRAINT = "与已有记录冲突或不符合填写要求，未作任何修改。"
REFUSED_ACTION = "duplicate_refused"

_pending: ContextVar[list | None] = ContextVar("refusals_pending", default=None)


def neutral(what: str) -> str:
    """The one sentence for a clash outside the user's scope, e.g. what="身份证号码"."""
    return OTHER_UNIT.format(what=what)


class Clash(ValidationError):
    """A clash with an existing row, raised by a model's `clean`. Reads neutral (it names nothing)
    until `for_user` decides, from the acting user's scope, whether `named` may be shown."""

    def __init__(self, *, clash: models.Model, what: str, named: str):
        super().__init__(neutral(what), code="duplicate")
        self.clash, self.what, self.named = clash, what, named


def _visible(by, obj: models.Model) -> bool:
    manager = type(obj)._default_manager
    if not hasattr(manager, "visible_to"):  # reference data (regions, departments): everyone sees it
        return True
    return by is not None and manager.visible_to(by).filter(pk=obj.pk).exists()


def _refused(by, clash: models.Model, what: str, field: str) -> None:
    # The clash's id lets the federation find both records; no personal number is kept.
    event = {"by": by, "action": REFUSED_ACTION, "object_type": clash._meta.label_lower, "success": False,
             "extra": {"what": what, "field": field, "clash_id": clash.pk}}
    pending = _pending.get()
    if pending is None:
        record(**event)
    else:
        pending.append(event)


def message(*, by, clash: models.Model, what: str, named: str, field: str = "") -> str:
    """The text for a clash with `clash`: `named` if `by` may see it, else the neutral sentence (audited)."""
    if _visible(by, clash):
        return named
    _refused(by, clash, what, field)
    return neutral(what)


def for_user(by, error: ValidationError, model: type[models.Model] | None = None,
             obj: models.Model | None = None) -> ValidationError:
    """`error` with each Clash in it resolved for `by` (see `message`), Django's own uniqueness
    messages about `obj` neutral and audited when the row they clash with is outside the user's
    scope, and kept from naming internal columns of `model`; other messages unchanged."""
    if not hasattr(error, "error_dict"):
        return ValidationError([_resolved(by, e, NON_FIELD_ERRORS, obj) for e in error.error_list])
    out: dict[str, list] = {}
    for field, errors in error.error_dict.items():
        key = field if _public(model, field) else NON_FIELD_ERRORS
        out.setdefault(key, []).extend(_resolved(by, e, field, obj) for e in errors)
    return ValidationError(out)


def _public(model, field: str) -> bool:
    """A field a user fills in (its name may key an error), not an internal column such as a digest."""
    if model is None or field == NON_FIELD_ERRORS:
        return True
    try:
        return model._meta.get_field(field).editable
    except FieldDoesNotExist:  # not a model field: a form-level name such as "id_number"
        return True


_LATIN_WORD = re.compile(r"[A-Za-z]{2,}")


def _default_constraint_message(error: ValidationError) -> bool:
    """Django's own "Constraint “name” is violated." (in whatever language is active)."""
    template = re.escape(str(BaseConstraint.default_violation_error_message)).replace(re.escape("%(name)s"), ".+")
    return all(re.fullmatch(template, m) for m in error.messages)


def _unique_clash(obj: models.Model, error: ValidationError) -> tuple[models.Model, str] | None:
    """The row `obj` clashes with in Django's own uniqueness error, and what to call the value."""
    params = error.params or {}
    model, names = params.get("model_class"), params.get("unique_check")
    if model is None or not names:
        return None
    try:
        lookup = {name: getattr(obj, model._meta.get_field(name).attname) for name in names}
    except (FieldDoesNotExist, AttributeError):
        return None
    clash = model._default_manager.filter(**lookup).exclude(pk=obj.pk).first()
    if clash is None:
        return None
    label = params.get("field_label") if len(names) == 1 else "信息"
    return clash, f"{model._meta.verbose_name}{label or '信息'}"


def _resolved(by, error: ValidationError, field: str, obj: models.Model | None = None) -> ValidationError:
    if isinstance(error, Clash):
        text = message(by=by, clash=error.clash, what=error.what, named=error.named, field=field)
        return ValidationError(text, code="duplicate" if text == error.named else REFUSED_ACTION)
    if obj is not None and error.code in ("unique", "unique_together"):
        found = _unique_clash(obj, error)
        if found is not None and not _visible(by, found[0]):
            clash, what = found
            _refused(by, clash, what, field)
            return ValidationError(neutral(what), code=REFUSED_ACTION)
    if error.code in ("unique", "unique_together") and any(_LATIN_WORD.search(m) for m in error.messages):
        # Django builds these from verbose names; a column without a Chinese one would show its code name.
        return ValidationError(DUPLICATE, code=error.code)
    if error.code is None and _default_constraint_message(error):
        # A constraint left to Django (one with a condition) names itself by its internal code name.
        return ValidationError(CONSTRAINT, code="constraint")
    return error


def full_clean(*, by, obj: models.Model, **kwargs) -> None:
    """obj.full_clean(), with clashes resolved for the acting user."""
    try:
        obj.full_clean(**kwargs)
    except ValidationError as e:
        raise for_user(by, e, type(obj), obj) from None


@contextlib.contextmanager
def _collecting():
    if _pending.get() is not None:  # an outer block writes them
        yield
        return
    token = _pending.set([])
    try:
        yield
    finally:
        events = _pending.get()
        _pending.reset(token)
        for event in events:
            record(**event)


def refusals_audited(func=None):
    """Decorator (put it outside `transaction.atomic`) or `with refusals_audited():` block: refusal
    events raised inside are written when the outermost such block ends, so a transaction rolled
    back by the refusal does not take its audit event along."""
    if func is None:
        return _collecting()
    return _collecting()(func)


class RefusalsAuditedMiddleware:
    """Every request is one `refusals_audited` block: a refusal found by any service it calls
    (web form or API) is written after the service's transaction has rolled back, not with it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with _collecting():
            return self.get_response(request)
