"""A pending sign-in's uniqueness is told in Chinese, never by its internal digest column or constraint."""

import re

import pytest
from django.core.exceptions import ValidationError

from shanghui.activities import services
from shanghui.activities.models import PendingAttendee

LATIN_WORD = re.compile(r"[A-Za-z]{2,}")



def test_a_second_pending_sign_in_with_the_same_mobile_is_refused_in_chinese_by_full_clean(cast, live):
    services.signin(activity=live, name="陈新人", mobile="13912345678")
    again = PendingAttendee(activity=live, name="陈新人")
    again.set_mobile("13912345678")
    with pytest.raises(ValidationError) as refused:
        again.full_clean()
    messages = refused.value.messages
    assert messages and not any(LATIN_WORD.search(m) for m in messages)
    assert "手机号码" in "".join(messages)


def test_a_pending_sign_in_with_another_mobile_passes_full_clean(cast, live):
    services.signin(activity=live, name="陈新人", mobile="13912345678")
    other = PendingAttendee(activity=live, name="陈新人")
    other.set_mobile("13912345679")
    other.full_clean()
    first = PendingAttendee.objects.get(activity=live)
    first.full_clean()  # a row does not clash with itself
