"""A constraint Django checks by itself (one with a condition) never shows its internal name in English."""

import re

import pytest
from django.core.exceptions import ValidationError

from shanghui.core import duplicates
from shanghui.orgs.models import Chamber

LATIN_WORD = re.compile(r"[A-Za-z]{2,}")


def test_a_conditional_constraint_left_to_django_reads_in_chinese(cast):
    street_chamber = Chamber.objects.filter(kind="street").select_related("region").first()
    second = Chamber(name="第二个街道商会", kind="street", region=street_chamber.region)
    constraint = next(c for c in Chamber._meta.constraints if getattr(c, "condition", None) is not None)
    with pytest.raises(ValidationError) as raw:
        constraint.validate(Chamber, second)
    assert any(LATIN_WORD.search(m) for m in raw.value.messages)  # what Django itself says
    shown = duplicates.for_user(cast.admin, ValidationError({"__all__": raw.value.error_list}), Chamber)
    assert shown.messages and not any(LATIN_WORD.search(m) for m in shown.messages)
