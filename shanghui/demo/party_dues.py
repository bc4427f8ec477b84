"""Party dues (党费) demo data, added by generator.py after the party records.

For every membership row, from the later of its start and DUES_FROM up to the last ended month:
- a declared base each year (most members employed, with after-tax wages across all four brackets;
  some retired on a pension; a few students, unemployed, on relief or rural members at the fixed
  amounts), so the months' dues follow the 2008 rules (party/dues.py);
- payments month by month, by quarter or a year ahead; about one in ten members skips a month or
  two, and about one in twenty-five stopped paying seven to ten months ago (flagged; a third of
  those with a recorded reason);
- one hand-up row per organisation and month: what was collected for that month, handed up on the
  10th of the next month, except for the last ended month (not handed up yet).

Deterministic (one seeded Random, primary-key order), bulk writes without audit events.
"""

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from shanghui.party import dues
from shanghui.party.models import (
    DuesArrearsReason,
    DuesBase,
    DuesCategory,
    DuesHandUp,
    DuesMethod,
    DuesPayment,
    DuesPaymentMonth,
    PartyMember,
)

CATEGORIES = [(DuesCategory.EMPLOYED, 80), (DuesCategory.RETIRED, 10), (DuesCategory.STUDENT, 2),
              (DuesCategory.UNEMPLOYED, 3), (DuesCategory.RELIEF, 2), (DuesCategory.RURAL, 3)]
REASONS = ["长期在外地务工，已电话联系", "因病住院，家属代为说明", "出国探亲，返回后补交"]


def _category(rng) -> str:
    return rng.choices([c for c, _ in CATEGORIES], [w for _, w in CATEGORIES])[0]


def _base(rng, category: str, previous: Decimal | None) -> tuple[Decimal | None, Decimal | None]:
    if category == DuesCategory.EMPLOYED:
        if previous is not None:  # a small raise most years
            return (previous * Decimal(str(rng.uniform(1.0, 1.06)))).quantize(Decimal("1")), None
        return Decimal(rng.choice([rng.randint(2200, 3000), rng.randint(3000, 5000), rng.randint(5000, 10000),
                                   rng.randint(10000, 25000)])), None
    if category == DuesCategory.RETIRED:
        return previous or Decimal(rng.randint(3200, 7500)), None
    if category == DuesCategory.RURAL:
        return None, Decimal(rng.choice(["0.20", "0.50", "1.00"]))
    return None, None


def generate(gen, batch_size: int) -> None:
    rng = gen.rng("party-dues")
    today = dt.date.today()
    first_month, last_month = dues.dues_from(), dues.last_ended_month(today)
    if first_month > last_month:
        return
    bases, payments, reasons = [], [], []
    plans = []  # (member, months paid)
    by_person_category: dict[int, str] = {}
    for member in PartyMember.objects.order_by("pk").iterator(chunk_size=2000):
        owed = dues.owed_months(member.joined_party, member.joined_org, member.left, first_month, last_month)
        if not owed:
            continue
        category = by_person_category.setdefault(member.person_id, _category(rng))
        previous = None
        yearly = {}
        for year in range(owed[0].year, owed[-1].year + 1):
            base, fixed = _base(rng, category, previous)
            previous = base
            row = DuesBase(member=member, year=year, category=category, base=base, fixed_amount=fixed)
            bases.append(row)
            yearly[year] = row.monthly()
        habit = rng.random()
        stop = None
        if habit < 0.04 and len(owed) > 10:
            stop = dues.add_months(last_month, -rng.randint(6, 9))  # the last paid month
            if rng.random() < 0.33:
                reasons.append(DuesArrearsReason(member=member, reason=rng.choice(REASONS), recorded_on=today))
        skips = set(rng.sample(owed, min(len(owed), rng.randint(1, 2)))) if 0.04 <= habit < 0.14 else set()
        paying = [m for m in owed if (stop is None or m <= stop) and m not in skips]
        step = 12 if habit > 0.85 else 3 if habit > 0.6 else 1
        i = 0
        while i < len(paying):
            run = [paying[i]]
            while len(run) < step and i + len(run) < len(paying) \
                    and paying[i + len(run)] == dues.add_months(run[-1], 1) and run[-1].year == paying[i].year:
                run.append(paying[i + len(run)])
            paid_on = min(today, run[0] + dt.timedelta(days=rng.randint(2, 25)))
            amounts = [yearly[m.year] for m in run]
            payments.append((DuesPayment(member=member, first_month=run[0], months=len(run), amount=sum(amounts),
                                         extra=Decimal(rng.choice(["0"] * 30 + ["50", "100"])),
                                         method=rng.choice(list(DuesMethod)), paid_on=paid_on, note="演示数据"),
                             list(zip(run, amounts, strict=True))))
            i += len(run)
        plans.append(member)
    DuesBase.objects.bulk_create(bases, batch_size=batch_size)
    DuesArrearsReason.objects.bulk_create(reasons, batch_size=batch_size)
    collected: dict[tuple[int, dt.date], Decimal] = defaultdict(Decimal)
    for start in range(0, len(payments), batch_size):
        chunk = payments[start:start + batch_size]
        rows = DuesPayment.objects.bulk_create([p for p, _ in chunk], batch_size=batch_size)
        months = []
        for row, (_, covered) in zip(rows, chunk, strict=True):
            for month, amount in covered:
                months.append(DuesPaymentMonth(payment=row, person_id=row.member.person_id, member=row.member,
                                               month=month, amount=amount))
                collected[(row.member.organization_id, month)] += amount
        DuesPaymentMonth.objects.bulk_create(months, batch_size=batch_size)
    hand_ups = [DuesHandUp(organization_id=org, month=month, amount=amount,
                           handed_on=min(today, dues.add_months(month, 1) + dt.timedelta(days=9)))
                for (org, month), amount in sorted(collected.items()) if month < last_month]
    DuesHandUp.objects.bulk_create(hand_ups, batch_size=batch_size)
    gen.count("dues_bases", len(bases))
    gen.count("dues_payments", len(payments))
    gen.count("dues_hand_ups", len(hand_ups))
