"""The two rules in integers, at their boundaries."""
import pytest

from app.consultations.rules import Tally, explain, needed, passes


@pytest.mark.parametrize(("agree", "eligible", "ok"), [
    (8, 10, True),     # exactly 80 %
    (7, 10, False),    # one household short
    (4, 5, True),
    (3, 5, False),
    (80, 100, True),
    (79, 100, False),
    (1, 1, True),
    (0, 1, False),
    (2, 3, False),     # 66.7 %
    (3, 3, True),
])
def test_share_of_all_counts_agree_against_all_households(agree, eligible, ok):
    assert passes("share_of_all", 80, Tally(eligible=eligible, eligible_area=0,
                                            agree=agree)) is ok


def test_share_of_all_is_not_a_share_of_those_who_voted():
    # Everyone who voted agreed, but they are 7 of 10 households.
    assert not passes("share_of_all", 80, Tally(eligible=10, eligible_area=0, agree=7))


def test_abstain_takes_part_but_never_agrees():
    t = Tally(eligible=10, eligible_area=1000, agree=7, agree_area=700, abstain=3,
              abstain_area=300)
    assert t.voted == 10
    assert not passes("share_of_all", 80, t)
    # Civil Code: all ten take part, 7/10 agree < 3/4.
    assert not passes("civil_code_278", None, t)


def test_a_threshold_other_than_80():
    assert passes("share_of_all", 67, Tally(eligible=3, eligible_area=0, agree=2)) is False
    assert passes("share_of_all", 66, Tally(eligible=3, eligible_area=0, agree=2)) is True


def civil(voted, voted_area, agree, agree_area, eligible=12, eligible_area=1200):
    return passes("civil_code_278", None, Tally(
        eligible=eligible, eligible_area=eligible_area, agree=agree, agree_area=agree_area,
        disagree=voted - agree, disagree_area=voted_area - agree_area))


def test_civil_code_exactly_two_thirds_taking_part_and_three_quarters_agreeing_passes():
    assert civil(voted=8, voted_area=800, agree=6, agree_area=600)


def test_civil_code_one_household_short_of_taking_part_fails():
    assert not civil(voted=7, voted_area=800, agree=7, agree_area=800)


def test_civil_code_one_household_short_of_agreeing_fails():
    assert not civil(voted=8, voted_area=800, agree=5, agree_area=700)


def test_civil_code_count_enough_but_area_short_of_taking_part_fails():
    # 8 of 12 households take part (2/3) but only 799 of 1200 m² (< 2/3).
    assert not civil(voted=8, voted_area=799, agree=8, agree_area=799)


def test_civil_code_area_enough_but_count_short_of_taking_part_fails():
    assert not civil(voted=7, voted_area=1000, agree=7, agree_area=1000)


def test_civil_code_agreement_by_count_but_not_by_area_fails():
    # 6 of 8 agree (3/4) but they hold 599 of 800 m² taking part (< 3/4).
    assert not civil(voted=8, voted_area=800, agree=6, agree_area=599)


def test_civil_code_agreement_by_area_but_not_by_count_fails():
    assert not civil(voted=8, voted_area=800, agree=5, agree_area=700)


def test_civil_code_nobody_voting_fails():
    assert not civil(voted=0, voted_area=0, agree=0, agree_area=0)


def test_what_it_takes_and_the_sentence():
    assert needed("share_of_all", 80, 10, 0) == {"agree": 8}
    assert needed("share_of_all", 80, 11, 0) == {"agree": 9}   # 8.8 → 9
    assert needed("civil_code_278", None, 12, 1000) == {"voted": 8, "voted_area": 667}
    assert "80%" in explain("share_of_all", 80)
    assert "三分之二" in explain("civil_code_278", None)
