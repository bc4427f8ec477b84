"""The activity form's theme check boxes in a real browser: each can be ticked by mouse."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_second_and_third_theme_boxes_tick_by_mouse(cast, page, login, live_server):
    login(page, cast.worker_a)
    page.goto(live_server.url + reverse("activities:activity_create"))
    boxes = page.locator("#id_themes input[type=checkbox]")
    assert boxes.count() == 4
    boxes.nth(1).click()
    page.get_by_text(boxes.nth(2).evaluate("b => b.labels[0].textContent"), exact=True).click()  # by its label
    assert [boxes.nth(i).is_checked() for i in range(4)] == [False, True, True, False]
