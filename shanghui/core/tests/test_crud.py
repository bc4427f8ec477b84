"""core.crud.step: a POST-only workflow step says what it did, or shows the service's refusal."""

from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError

from shanghui.core.crud import step
from shanghui.testing import message_request


def test_a_step_says_what_it_did_and_goes_back():
    request = message_request()
    response = step(request, call=lambda: [1, 2], done=lambda rows: f"生成{len(rows)}项", redirect_to="/back/")
    assert response.status_code == 302 and response["Location"] == "/back/"
    assert [str(m) for m in get_messages(request)] == ["生成2项"]


def test_a_refused_step_shows_why_and_goes_back():
    def refuse():
        raise ValidationError(["尚未截止", "还有异议"])

    request = message_request()
    response = step(request, call=refuse, done="已完成", redirect_to="/back/")
    assert response["Location"] == "/back/"
    assert [(m.level_tag, str(m)) for m in get_messages(request)] == [("error", "尚未截止；还有异议")]
