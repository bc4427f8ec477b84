"""An edit form opens with what is stored, so an edit never requires retyping a field (the
enterprise form once left the USCC box empty). The only exceptions are listed here and named on
each form (`blank_on_edit`): personal numbers, a student's name and uploaded files."""

import importlib
import pkgutil

from django.test import Client
from django.urls import reverse

import shanghui
from shanghui.core.crud import ServiceForm

BLANK_ON_EDIT = {
    "PersonForm": {"id_number", "mobile"},  # personal numbers: only the masked value is shown
    "AidForm": {"name"},  # a pupil's full name is never stored
    "DocumentForm": {"file"},  # a browser cannot prefill a file box
    "NoticeForm": {"attachment"},
}


def _forms():
    for module in pkgutil.walk_packages(shanghui.__path__, "shanghui."):
        if module.name.endswith(".forms"):
            importlib.import_module(module.name)

    def below(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from below(sub)

    return {form.__name__: form for form in below(ServiceForm)}


def test_every_field_an_edit_form_leaves_empty_is_on_the_list():
    found = {name: set(form.blank_on_edit) for name, form in _forms().items() if form.blank_on_edit}
    assert found == BLANK_ON_EDIT
    for name, form in _forms().items():
        model_fields = {f.name for f in form.model._meta.get_fields()}
        for field in form.field_names:
            if field in form.declared_fields and field not in form.blank_on_edit:
                # A declared field opens with the stored value, so it must be one the model stores.
                assert field in model_fields or name == "ActivityForm", (name, field)


def test_the_enterprise_edit_form_shows_the_stored_uscc(cast):
    client = Client()
    client.force_login(cast.worker_a)
    enterprise = cast.enterprise_a
    html = client.get(reverse("directory:enterprise_edit", args=[enterprise.pk])).content.decode()
    assert f'value="{enterprise.uscc}"' in html
    assert 'name="uscc"' in html
