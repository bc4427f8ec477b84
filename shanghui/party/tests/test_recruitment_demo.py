"""The recruitment part of the demo data set: several years, every stage, rows that obey the time rules,
member rows for those admitted, and a few overdue steps for the to-do list."""

import pytest
from django.test import Client
from django.urls import reverse

from shanghui.accounts.models import User
from shanghui.demo.generator import HORIZON, generate
from shanghui.party import recruitment as rules
from shanghui.party import recruitment_services as rs
from shanghui.party.models import PartyMember, RecruitmentCandidate


@pytest.fixture
def demo(db):
    return generate(seed=4, enterprises=400)


def test_candidates_span_years_and_stages_and_obey_the_rules(demo):
    candidates = list(RecruitmentCandidate.objects.prefetch_related("steps").select_related("member"))
    assert len({c.applied.year for c in candidates}) >= 4
    assert {c.stage for c in candidates} == {key for key, _ in rules.STAGES}
    cal = rs.calendar_for(min(c.applied for c in candidates), HORIZON)
    for c in candidates:
        facts = rules.Facts(birth_date=c.birth_date, applied=c.applied)
        for step in sorted(c.steps.all(), key=lambda s: (s.date, rules.STEP_ORDER[s.kind])):
            fact = rules.StepFact(step.date, step.end, step.hours, step.overdue_reason)
            assert rules.check_step(facts, step.kind, fact, cal) == "", (c.pk, step.kind)
            if step.kind != "application":
                facts.steps.setdefault(step.kind, []).append(fact)
        assert rules.stage_dates(facts) == {k: getattr(c, rules.STAGE_FIELDS[k]) for k, _ in rules.STAGES}
        if c.probationary_on:
            expected = "full" if c.full_on else "probationary"
            assert c.member and (c.member.category, c.member.joined_party) == (expected, c.probationary_on)
    assert PartyMember.objects.filter(recruitment__isnull=False).count() == sum(1 for c in candidates
                                                                                if c.probationary_on)


def test_some_steps_are_overdue_at_the_horizon(demo):
    overdue = [t for c in RecruitmentCandidate.objects.filter(stopped__isnull=True, full_on__isnull=True)
               for t in rs.todo_of(c, HORIZON) if t.due < HORIZON]
    assert {t.article for t in overdue} >= {"第七条", "第十一条"}


def test_recruitment_pages_render_on_the_demo_data(demo):
    for username in ("fic_admin", "dhm_worker", "dhm_instructor"):
        client = Client()
        user = User.objects.get(username=username)
        client.force_login(user)
        first = RecruitmentCandidate.objects.visible_to(user).first()
        urls = [reverse("party:candidate_list"), reverse("party:recruitment_todo"), reverse("party:dashboard"),
                "/party/candidates/?stage=activist", reverse("party:candidate_export") + "?format=csv"]
        if first:
            urls += [reverse("party:candidate_detail", args=[first.pk]),
                     reverse("party:candidate_record_docx", args=[first.pk])]
        for url in urls:
            assert client.get(url).status_code == 200, (username, url)
