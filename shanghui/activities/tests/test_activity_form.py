"""The activity form: its theme check boxes, and what it starts with for a street worker."""

from django.urls import reverse

from shanghui.activities.forms import ActivityForm
from shanghui.testing import client_for


def test_each_theme_box_is_a_bootstrap_check_and_the_list_is_not(cast):
    html = str(ActivityForm(user=cast.admin)["themes"])
    assert html.count('class="form-check form-check-inline"') == 4
    assert html.count('class="form-check-input"') == 4
    assert html.startswith('<div id="id_themes">')  # the list's wrapper has no form-check-input of its own


def test_a_street_workers_new_activity_is_her_street_chambers_in_her_street(cast):
    form = ActivityForm(user=cast.worker_a)
    assert form["organisers"].value() == [cast.chamber_a.pk]
    assert form["region"].value() == cast.street_a.pk


def test_a_district_admin_starts_with_no_organiser_and_no_region(cast):
    form = ActivityForm(user=cast.admin)
    assert not form["organisers"].value()
    assert form["region"].value() is None


def test_the_create_page_shows_the_street_chamber_ticked(cast):
    page = client_for(cast, "worker_a").get(reverse("activities:activity_create")).content.decode()
    assert f'<option value="{cast.chamber_a.pk}" selected>' in page
    assert f'<option value="{cast.street_a.pk}" selected>' in page


def test_editing_keeps_the_activitys_own_organisers(cast, live):
    live.organisers.clear()
    assert ActivityForm(user=cast.worker_a, instance=live)["organisers"].value() == []
