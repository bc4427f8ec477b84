"""A service's ValidationError is shown where the user looks: on the field, on top of the form, or as a message."""

from django import forms
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError

from shanghui.core.crud import apply_errors, refuse, step
from shanghui.testing import message_request


class NameForm(forms.Form):
    name = forms.CharField(required=False)


def _form() -> NameForm:
    form = NameForm({"name": "x"})
    assert form.is_valid()
    return form


def test_a_field_error_stands_under_its_field_and_the_rest_on_top():
    form = _form()
    apply_errors(form, ValidationError({"name": ["重名"], "__all__": ["整体不对"], "region": ["不在范围内"]}))
    assert form.errors["name"] == ["重名"]
    assert form.non_field_errors() == ["整体不对", "不在范围内"]


def test_a_label_names_the_key_the_form_does_not_show():
    form = _form()
    apply_errors(form, ValidationError({"region": ["不在范围内"], "__all__": ["整体不对"]}),
                 label=lambda key: {"region": "所属区域"}[key])
    assert form.non_field_errors() == ["所属区域：不在范围内", "整体不对"]


def test_a_plain_error_stands_on_top():
    form = _form()
    apply_errors(form, ValidationError(["一", "二"]))
    assert form.non_field_errors() == ["一", "二"] and "name" not in form.errors


def test_a_refusal_is_one_message():
    request = message_request()
    refuse(request, ValidationError(["已截止", "不能修改"]))
    assert [m.message for m in get_messages(request)] == ["已截止；不能修改"]


def test_an_action_says_what_it_did_or_why_not_and_goes_back():
    done = []
    request = message_request()
    response = step(request, call=lambda: done.append(1), done="已停用", redirect_to="/back/")
    assert done == [1] and response.status_code == 302 and response["Location"] == "/back/"

    def refused():
        raise ValidationError("已处理过")

    response = step(request, call=refused, done="已停用", redirect_to="/back/")
    assert response["Location"] == "/back/"
    assert [(m.level_tag, m.message) for m in get_messages(request)] == [("success", "已停用"), ("error", "已处理过")]
