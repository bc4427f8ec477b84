import datetime as dt
import random

from shanghui.core.validators import normalize_id_number, normalize_uscc
from shanghui.demo.codes import IdNumberSource, Permutation, UsccSource, org_code_check_char
from shanghui.demo.names import EnterpriseNames


def test_permutation_is_a_bijection():
    for size in (1, 2, 31, 1000, 4097):
        perm = Permutation(random.Random(size), size)
        assert sorted(perm(i) for i in range(size)) == list(range(size))


def test_permutation_depends_on_the_seed():
    a, b = Permutation(random.Random(1), 10_000), Permutation(random.Random(2), 10_000)
    assert [a(i) for i in range(20)] != [b(i) for i in range(20)]


def test_usccs_are_valid_and_distinct():
    rng = random.Random(1)
    source = UsccSource(random.Random(2))
    codes = [source.next(rng) for _ in range(5000)]
    assert len(set(codes)) == len(codes)
    for code in codes:
        assert normalize_uscc(code) == code
        assert code[16] == org_code_check_char(code[8:16])


def test_organisation_code_check_char_matches_the_standards_example():
    # GB 32100-2015's sample code 91350100M000100Y43: organisation code M000100Y, check "4".
    assert normalize_uscc("91350100M000100Y43") == "91350100M000100Y43"
    assert org_code_check_char("M000100Y") == "4"


def test_id_numbers_stay_unique_when_one_birth_day_fills_up():
    rng, source = random.Random(1), IdNumberSource()
    day = dt.date(1980, 5, 17)
    codes = [source.next(rng, day, male=True) for _ in range(450)]  # more than one day holds
    assert len(set(codes)) == 450
    assert all(normalize_id_number(c) == c and int(c[16]) % 2 == 1 for c in codes)
    assert {c[6:14] for c in codes} == {"19800517", "19800518", "19800519"}


def test_enterprise_names_do_not_repeat():
    rng, source = random.Random(1), EnterpriseNames(random.Random(2))
    names = [source.next(rng, "L")[0] for _ in range(3000)]
    # The legal form and the “（北京）” variant vary freely; the 字号 + trade word part never repeats.
    cores = [n.replace("（北京）", "").removeprefix("北京").split("有限")[0].removesuffix("股份") for n in names]
    assert len(set(cores)) == len(cores)
