"""The state machine as a matrix: every state × every action × every role, each cell asserted.

The expected cell comes from the service desk's rules (docs/servicedesk.md) written out here, independently of services.py:
- who sees the request (else 404): the district and street A's staff, the instructor and leader of
  its region, the market handler once it is assigned to market, enterprise A's user;
- who may do the action (else 403): staff (federation admin, street A's worker, the superuser)
  accept / assign / reject / close; the handler of the assigned department resolves; enterprise A
  closes (confirms), rates and reopens;
- from which states (else refused with a message, nothing written).
"""

import datetime as dt

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from shanghui.audit.models import AuditEvent
from shanghui.servicedesk import services
from shanghui.servicedesk.models import Notification, RequestEvent, ServiceRequest, State

STATES = ["submitted", "accepted", "assigned", "resolved", "closed", "rated", "rejected", "reopened"]
ACTIONS = ["accept", "assign", "reject", "resolve", "close", "reopen", "rate"]
ROLES = ["admin", "worker_a", "worker_b", "instructor_a", "handler_a", "handler_other", "leader", "auditor",
         "enterprise_user_a", "enterprise_user_b", "superuser"]

STAFF = {"admin", "worker_a", "superuser"}
MAY = {"accept": STAFF, "assign": STAFF, "reject": STAFF, "resolve": {"handler_a"},
       "close": STAFF | {"enterprise_user_a"}, "reopen": {"enterprise_user_a"}, "rate": {"enterprise_user_a"}}
FROM = {"accept": {"submitted", "reopened"}, "assign": {"submitted", "accepted", "assigned", "reopened"},
        "reject": {"submitted", "accepted", "reopened"}, "resolve": {"assigned"}, "close": {"resolved"},
        "reopen": {"resolved", "closed", "rated"}, "rate": {"resolved", "closed"}}
TARGET = {"accept": "accepted", "assign": "assigned", "reject": "rejected", "resolve": "resolved",
          "close": "closed", "reopen": "reopened", "rate": "closed"}
ALWAYS_SEE = {"admin", "worker_a", "instructor_a", "leader", "enterprise_user_a", "superuser"}


def expected(state: str, action: str, role: str, assigned_to_market: bool):
    if not (role in ALWAYS_SEE or (role == "handler_a" and assigned_to_market)):
        return 404
    if role not in MAY[action]:
        return 403
    if state not in FROM[action]:
        return "refused"
    if action == "close" and role in STAFF:
        return "refused"  # just resolved: the enterprise has the waiting period to rate or confirm
    return "done"


def post_data(desk, action):
    return {"accept": {"note": ""}, "assign": {"department": desk.cast.market.pk, "handler": desk.cast.handler_a.pk},
            "reject": {"reason": "不属于受理范围"}, "resolve": {"resolution": "已办理完毕"}, "close": {},
            "reopen": {"reason": "问题仍未解决"}, "rate": {"satisfaction": "4", "comment": "较满意"}}[action]


def footprint(req):
    return (ServiceRequest.objects.filter(pk=req.pk).values_list("state", flat=True).get(),
            RequestEvent.objects.filter(request=req).count(), AuditEvent.objects.count(), Notification.objects.count())


@pytest.mark.parametrize("state", STATES)
def test_transition_matrix(desk, state):
    req = desk.in_state(state)
    assigned = req.department_id == desk.cast.market.pk
    clients = {}
    for role in ROLES:
        clients[role] = Client()
        clients[role].force_login(desk.user(role))
    cells = 0
    for action in ACTIONS:
        url = reverse("servicedesk:act", args=[req.pk, action])
        for role in ROLES:
            want = expected(state, action, role, assigned)
            cell = f"{state} × {action} × {role}"
            # Each cell starts from the same request: its writes are rolled back afterwards.
            with transaction.atomic():
                before = footprint(req)
                response = clients[role].post(url, post_data(desk, action))
                after = footprint(req)
                if want == "done":
                    assert response.status_code == 302, cell
                    assert after[0] == TARGET[action], cell
                    assert after[1] == before[1] + 1 and after[2] > before[2], cell  # timeline and audit written
                else:
                    assert response.status_code == (302 if want == "refused" else want), cell
                    assert after == before, f"{cell}: something was written"
                transaction.set_rollback(True)
            cells += 1
    assert cells == len(ACTIONS) * len(ROLES)


def test_anonymous_is_sent_to_login_and_nothing_changes(desk):
    req = desk.in_state("submitted")
    response = Client().post(reverse("servicedesk:act", args=[req.pk, "accept"]))
    assert response.status_code == 302 and "/login" in response["Location"]
    assert ServiceRequest.objects.get(pk=req.pk).state == State.SUBMITTED


def test_staff_may_close_an_unrated_request_after_the_waiting_period(desk, settings):
    settings.SHANGHUI_SERVICEDESK_CLOSE_AFTER_DAYS = 5
    req = desk.in_state("resolved")
    with pytest.raises(Exception, match="5天内"):
        services.request_close(by=desk.cast.worker_a, service_request=req)
    ServiceRequest.objects.filter(pk=req.pk).update(resolved_at=timezone.now() - dt.timedelta(days=6))
    services.request_close(by=desk.cast.worker_a, service_request=req)
    req.refresh_from_db()
    assert req.state == State.CLOSED and req.satisfaction is None
    assert "逾期未评价" in req.events.last().note
    # The enterprise can still rate it afterwards; the state stays closed.
    services.request_rate(by=desk.cast.enterprise_user_a, service_request=req, satisfaction=3)
    req.refresh_from_db()
    assert (req.state, req.satisfaction) == (State.CLOSED, 3)


def test_reopening_is_refused_after_the_window(desk, settings):
    settings.SHANGHUI_SERVICEDESK_REOPEN_DAYS = 7
    req = desk.in_state("rated")
    ServiceRequest.objects.filter(pk=req.pk).update(resolved_at=timezone.now() - dt.timedelta(days=8))
    with pytest.raises(Exception, match="超过7天"):
        services.request_reopen(by=desk.cast.enterprise_user_a, service_request=req, reason="又出问题了")
    assert ServiceRequest.objects.get(pk=req.pk).state == State.CLOSED


def test_a_reopened_request_loses_its_rating_and_gets_a_new_deadline(desk):
    req = desk.in_state("rated")
    ServiceRequest.objects.filter(pk=req.pk).update(deadline=dt.date(2000, 1, 3))
    services.request_reopen(by=desk.cast.enterprise_user_a, service_request=req, reason="问题没有解决")
    req.refresh_from_db()
    assert req.state == State.REOPENED
    assert req.satisfaction is None and req.resolved_at is None and req.closed_at is None
    assert req.deadline > timezone.localdate()
    # Back to the department: accept, then the handler (still assigned) resolves again.
    services.request_assign(by=desk.cast.worker_a, service_request=req, department=desk.cast.market)
    services.request_resolve(by=desk.cast.handler_a, service_request=req, resolution="再次上门指导，已解决。")
    req.refresh_from_db()
    assert req.state == State.RESOLVED and req.handler == desk.cast.handler_a


def test_the_timeline_records_every_step(desk):
    req = desk.in_state("rated")
    steps = list(req.events.values_list("action", "from_state", "to_state"))
    assert steps == [("file", "", "submitted"), ("accept", "submitted", "accepted"),
                     ("assign", "accepted", "assigned"), ("resolve", "assigned", "resolved"),
                     ("rate", "resolved", "closed")]
    assert req.satisfaction == 5 and req.closed_at is not None and req.accepted_at is not None
