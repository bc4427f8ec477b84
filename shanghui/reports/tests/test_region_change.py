"""区划调整 on the dashboard: a merger or split leaves the years before it as they were, and from
its year on the figures count the streets as they are after it (orgs/services.py region_merge)."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from shanghui.directory.models import Enterprise
from shanghui.orgs import services
from shanghui.orgs.models import Region
from shanghui.reports import kpis

from . import world

pytestmark = pytest.mark.django_db

FIGURE_KEYS = [k for k in kpis.RATE_KEYS if k != "joint_committee"]


def dashboard(client, year: int, **params):
    """(street code → the street table's row, KPI key → (numerator, denominator) of the tiles) as the page shows."""
    cache.clear()
    response = client.get(reverse("reports:dashboard"), {"year": year, **params})
    assert response.status_code == 200
    rows = {row["street"]: row for row in response.context["rows"]}
    tiles = {t["key"]: (t["numerator"], t["denominator"]) for t in response.context["tiles"]}
    return rows, tiles


def test_a_merger_leaves_the_earlier_year_unchanged_and_counts_the_streets_together_from_its_year(client, cast):
    world.build(cast, 61)
    client.force_login(cast.admin)
    a, b = cast.street_a.code, cast.street_b.code
    before_2017, before_2018 = dashboard(client, 2017), dashboard(client, 2018)
    assert any(before_2018[0][code]["district"]["denominator"] for code in (a, b))  # the streets have figures

    services.region_merge(by=cast.admin, streets=[cast.street_a, cast.street_b], year=2018, code="110101099",
                          name="东华门景山街道")

    assert dashboard(client, 2017) == before_2017
    rows, tiles = dashboard(client, 2018)
    assert a not in rows and b not in rows
    merged, old = rows["110101099"], before_2018[0]
    for key in FIGURE_KEYS:
        for part in ("numerator", "denominator"):
            assert merged[key][part] == old[a][key][part] + old[b][key][part], (key, part)
    assert merged["training"] == old[a]["training"] + old[b]["training"]
    # One street fewer; the merged street hosts what its streets' chambers host.
    assert merged["joint_committee"]["numerator"] == max(old[a]["joint_committee"]["numerator"],
                                                         old[b]["joint_committee"]["numerator"])
    assert tiles["joint_committee"][1] == before_2018[1]["joint_committee"][1] - 1
    for key in FIGURE_KEYS:
        assert tiles[key] == before_2018[1][key], key  # the district's rates count the same enterprises
    # The merged street's own page (the street selector) sums both for 2018 and lists the two for 2017.
    street = Region.objects.get(code="110101099")
    own_rows, own_tiles = dashboard(client, 2018, street=street.pk)
    assert list(own_rows) == ["110101099"] and own_tiles["district"] == (
        merged["district"]["numerator"], merged["district"]["denominator"])
    assert sorted(dashboard(client, 2017, street=street.pk)[0]) == sorted([a, b])


def test_a_split_keeps_the_earlier_year_while_its_enterprises_move_to_the_new_streets(client, cast):
    world.build(cast, 62)
    client.force_login(cast.admin)
    street_c = Region.objects.get(code="110101003")
    before_2017, before_2018 = dashboard(client, 2017), dashboard(client, 2018)

    services.region_split(by=cast.admin, street=street_c, year=2018,
                          parts=[("110101091", "交道口东街道"), ("110101092", "交道口西街道")])
    first = Region.objects.get(code="110101091")
    moved = Enterprise.objects.filter(region=street_c).count()
    assert moved
    Enterprise.objects.filter(region=street_c).update(region=first)  # the rows move to the new street

    assert dashboard(client, 2017) == before_2017
    rows, tiles = dashboard(client, 2018)
    assert {"110101091", "110101092"} <= set(rows)
    assert rows["110101092"]["district"]["denominator"] == 0
    # What still points at the old street in 2018 (attendances counted for it before the split was
    # recorded) keeps a row of its own, so that the rows add up to the district.
    assert street_c.code not in rows or rows[street_c.code]["district"]["denominator"] == 0
    for key in FIGURE_KEYS:
        assert sum(r[key]["denominator"] for r in rows.values()) == tiles[key][1], key
    assert sum(r["training"] for r in rows.values()) == sum(r["training"] for r in before_2018[0].values())


def test_a_street_merged_away_is_offered_no_more_for_new_rows_but_reads_in_its_years(cast):
    services.region_merge(by=cast.admin, streets=[cast.street_a, cast.street_b], year=2020, code="110101099",
                          name="东华门景山街道")
    assert not Region.objects.current().filter(pk=cast.street_a.pk).exists()
    assert Region.objects.valid_in(2019).filter(pk=cast.street_a.pk).exists()
    assert not Region.objects.valid_in(2020).filter(pk=cast.street_a.pk).exists()
    # The merged street's workers see the old streets' rows: they lie in its subtree.
    cast.street_a.refresh_from_db()
    assert cast.street_a.path.startswith(Region.objects.get(code="110101099").path)
    assert Enterprise.objects.in_scope(Region.objects.get(code="110101099")).filter(pk=cast.enterprise_a.pk).exists()
