"""Item statistics against values worked out by hand (see the comments)."""

import math

import pytest

from exambank import stats
from exambank.selection import BlueprintShortage, Rule, draw_blueprint

# Four students, three 0/1 items. Totals 3, 2, 1, 0; 27% of 4 rounds to 1 student
# per group: upper = S1, lower = S4.
SCORES = [[1, 1, 1], [1, 1, 0], [1, 0, 0], [0, 0, 0]]


def test_difficulty_and_discrimination_by_hand():
    result = stats.analyse(["i1", "i2", "i3"], SCORES)
    items = {i["item"]: i for i in result["items"]}
    assert result["group_size"] == 1
    assert [items[k]["p"] for k in ("i1", "i2", "i3")] == [0.75, 0.5, 0.25]
    # p(upper) = 1 for every item (S1 got all), p(lower) = 0 (S4 got none).
    assert [items[k]["r"] for k in ("i1", "i2", "i3")] == [1.0, 1.0, 1.0]


def test_corrected_item_rest_correlation_by_hand():
    # Item 1: x = 1,1,1,0; rest = 2,1,0,0. Sxy = 0.75, Sxx = 0.75, Syy = 2.75.
    result = stats.analyse(["i1", "i2", "i3"], SCORES)
    assert result["items"][0]["rest_r"] == pytest.approx(0.75 / math.sqrt(0.75 * 2.75))


def test_kr20_and_alpha_by_hand():
    # Σpq = .1875 + .25 + .1875 = .625; var(totals 3,2,1,0) = 1.25; KR-20 = 3/2 (1 − .5) = .75
    rel = stats.reliability(SCORES)
    assert rel["kr20"] == pytest.approx(0.75)
    assert rel["alpha"] == pytest.approx(0.75)
    # Partial credit: KR-20 does not apply, alpha still does.
    partial = [[1, 0.5], [0.5, 0.5], [0, 0]]
    rel = stats.reliability(partial)
    assert rel["kr20"] is None
    # item vars: 1/6, 1/18; total var of (1.5, 1, 0) = 7/18; alpha = 2 (1 − (4/18)/(7/18)) = 6/7
    assert rel["alpha"] == pytest.approx(6 / 7)


def test_distractors_and_flags():
    choices = [["b"], ["b"], ["a"], ["c"]]
    scores = [[1], [1], [0], [0]]
    result = stats.analyse(["q"], scores, choices, {"q": {"b"}})
    item = result["items"][0]
    assert item["distractors"] == {
        "b": {"upper": 1, "lower": 0, "all": 2},
        "a": {"upper": 0, "lower": 0, "all": 1},
        "c": {"upper": 0, "lower": 1, "all": 1},
    }
    easy = stats.analyse(["q"], [[1]] * 10)["items"][0]
    assert "too_easy" in easy["flags"] and "low_discrimination" in easy["flags"]
    # The strongest student (total 2) picks distractor a on item 3, the weakest the key b.
    upside = stats.analyse(
        ["q1", "q2", "q3"],
        [[1, 1, 0], [0, 0, 1]],
        [[None, None, "a"], [None, None, "b"]],
        {"q3": {"b"}},
    )
    assert "distractor_a_attracts_upper" in upside["items"][2]["flags"]
    assert upside["items"][2]["r"] == -1.0


def test_blueprint_draw_prefers_unseen_and_never_repeats():
    rng_seed = 7
    import random

    rules = [Rule((1, 2, 3, 4), 2), Rule((3, 4, 5, 6), 2)]
    picked = draw_blueprint(rules, seen={1, 2}, rng=random.Random(rng_seed))
    ids = [q for _, q in picked]
    assert len(ids) == len(set(ids)) == 4
    assert set(ids[:2]) == {3, 4}  # unseen first
    assert set(ids[2:]) == {5, 6}  # 3 and 4 are taken by the first row
    again = draw_blueprint([Rule((1, 2, 3), 3)], seen={1, 2}, rng=random.Random(1))
    assert again[0][1] == 3 and {q for _, q in again} == {1, 2, 3}  # seen ones fill the gap
    with pytest.raises(BlueprintShortage) as exc:
        draw_blueprint([Rule((1,), 2)], set(), random.Random(1))
    assert "แถวที่ 1" in str(exc.value) and "row 1" in str(exc.value)
