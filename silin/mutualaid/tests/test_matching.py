"""The matching of help requests with helpers: rules, proximity, costs and the optimum."""

from __future__ import annotations

import dataclasses
import random
from collections import Counter

import numpy as np
import pytest
from scipy.optimize import linear_sum_assignment

from silin.mutualaid import matching as m
from silin.mutualaid.matching import Need, Offer, Pair, Place

HOME = Place(household=1, unit=10, building=100, compound=1000, community=1, floor=3)


def at(**fields: int) -> Place:
    """A place like HOME (another household unless told) with these fields changed."""
    return dataclasses.replace(HOME, **{"household": 2, **fields})


def need(key: int = 1, kind: str = "repairs", place: Place = HOME, **fields: object) -> Need:
    values: dict[str, object] = {"window": None, "last_helper": None, **fields}
    return Need(key=key, kind=kind, place=place, **values)  # type: ignore[arg-type]


def offer(key: int = 1, place: Place | None = None, **fields: object) -> Offer:
    values: dict[str, object] = {
        "skills": frozenset({"repairs"}),
        "availability": None,
        "remaining": 2,
        **fields,
    }
    return Offer(key=key, place=place or at(), **values)  # type: ignore[arg-type]


def keys(pairs: list[Pair]) -> list[int]:
    return [p.offer for p in pairs]


# Hard rules --------------------------------------------------------------------------


def test_a_helper_in_the_requesters_own_household_is_no_candidate() -> None:
    same_household = offer(1, place=HOME)
    next_door = offer(2, place=at(household=3))
    assert keys(m.candidates([need()], [same_household, next_door])) == [2]


def test_a_helper_without_the_kind_in_their_skills_is_no_candidate() -> None:
    cook = offer(1, skills=frozenset({"meals", "visit"}))
    handy = offer(2, skills=frozenset({"meals", "repairs"}))
    assert keys(m.candidates([need(kind="repairs")], [cook, handy])) == [2]


def test_a_helper_with_no_capacity_left_is_no_candidate() -> None:
    offers = [offer(1, remaining=0), offer(2, remaining=-1), offer(3, remaining=1)]
    assert keys(m.candidates([need()], offers)) == [3]


@pytest.mark.parametrize(
    ("window", "fits"),
    [
        ((2, 9 * 60, 10 * 60), True),  # inside the Wednesday window
        ((2, 8 * 60, 12 * 60), True),  # the whole window
        ((2, 7 * 60, 9 * 60), False),  # starts before it
        ((2, 11 * 60, 13 * 60), False),  # ends after it
        ((3, 9 * 60, 10 * 60), False),  # another weekday
        ((4, 18 * 60, 19 * 60), True),  # the second window, on Friday
        (None, True),  # any time fits
    ],
)
def test_the_window_must_lie_inside_one_availability_window_of_its_weekday(
    window: tuple[int, int, int] | None, fits: bool
) -> None:
    helper = offer(availability=((2, 8 * 60, 12 * 60), (4, 17 * 60, 20 * 60)))
    assert keys(m.candidates([need(window=window)], [helper])) == ([1] if fits else [])


def test_a_window_spanning_two_availability_windows_of_the_day_does_not_fit() -> None:
    helper = offer(availability=((1, 8 * 60, 10 * 60), (1, 10 * 60, 12 * 60)))
    assert m.candidates([need(window=(1, 9 * 60, 11 * 60))], [helper]) == []
    assert keys(m.candidates([need(window=(1, 10 * 60, 11 * 60))], [helper])) == [1]


def test_a_helper_available_any_time_fits_every_window() -> None:
    assert keys(m.candidates([need(window=(6, 0, 1439))], [offer(availability=None)])) == [1]


def test_a_helper_with_no_windows_at_all_fits_only_requests_at_any_time() -> None:
    helper = offer(availability=())
    assert m.candidates([need(window=(0, 600, 660))], [helper]) == []
    assert keys(m.candidates([need(window=None)], [helper])) == [1]


def test_a_helper_of_another_community_is_a_candidate_only_from_a_shared_compound() -> None:
    allied = offer(1, place=at(compound=2000, community=2, building=200, unit=20))
    far = offer(2, place=at(compound=3000, community=2, building=300, unit=30))
    assert m.candidates([need()], [allied, far]) == []
    pairs = m.candidates([need(shared_compounds=frozenset({2000}))], [allied, far])
    assert keys(pairs) == [1]
    assert pairs[0].reasons[0] == "alliance"


# Proximity -----------------------------------------------------------------------------

STEPS = [
    ("opposite_door", 1, at()),
    ("upstairs_downstairs", 2, at(floor=4)),
    ("upstairs_downstairs", 2, at(floor=2)),
    ("same_unit", 3, at(floor=9)),
    ("same_building", 4, at(unit=11, floor=3)),
    ("same_compound", 5, at(building=101, unit=12)),
    ("alliance", 6, at(compound=1001, building=102, unit=13)),
    ("same_community", 8, at(compound=1002, building=103, unit=14)),
]


@pytest.mark.parametrize(("code", "step", "place"), STEPS)
def test_each_proximity_step_has_its_code_and_cost(code: str, step: int, place: Place) -> None:
    asker = need(shared_compounds=frozenset({1001}))
    [pair] = m.candidates([asker], [offer(7, place=place, load=4)])
    assert pair == Pair(1, 7, 10 * step + 4, (code, "skill:repairs"))


def test_nearer_helpers_come_first_whatever_their_order() -> None:
    offers = [offer(k, place=p, load=9) for k, (_, _, p) in enumerate(STEPS)]
    random.Random(3).shuffle(offers)
    pairs = m.candidates([need(shared_compounds=frozenset({1001}))], offers)
    assert [p.reasons[0] for p in pairs] == [code for code, _, _ in STEPS]
    assert [p.cost for p in pairs] == sorted(p.cost for p in pairs)


def test_an_alliance_compound_of_the_same_community_ranks_as_alliance() -> None:
    asker = need(shared_compounds=frozenset({1001}))
    allied = offer(1, place=at(compound=1001, building=102, unit=13))
    plain = offer(2, place=at(compound=1002, building=103, unit=14))
    pairs = m.candidates([asker], [plain, allied])
    assert [(p.offer, p.reasons[0]) for p in pairs] == [(1, "alliance"), (2, "same_community")]


def test_the_own_compound_in_the_shared_compounds_stays_same_compound() -> None:
    asker = need(shared_compounds=frozenset({1000}))
    [pair] = m.candidates([asker], [offer(1, place=at(building=101, unit=12))])
    assert pair.reasons[0] == "same_compound"


def test_the_load_penalty_spreads_tasks_but_never_outweighs_a_step() -> None:
    busy_neighbour = offer(1, place=at(), load=40)
    idle_upstairs = offer(2, place=at(floor=4), load=0)
    rested_neighbour = offer(3, place=at(), load=2)
    pairs = m.candidates([need()], [busy_neighbour, idle_upstairs, rested_neighbour])
    assert [(p.offer, p.cost) for p in pairs] == [(3, 12), (1, 19), (2, 20)]


def test_equal_costs_are_ordered_by_helper_key() -> None:
    offers = [offer(k, place=at(household=k)) for k in (9, 4, 7)]
    assert keys(m.candidates([need()], offers)) == [4, 7, 9]


def test_max_candidates_keeps_the_cheapest() -> None:
    offers = [offer(k, place=at(floor=3 + k)) for k in range(5)] + [offer(9, place=at())]
    assert keys(m.candidates([need()], offers, max_candidates=3)) == [0, 9, 1]


# Continuity --------------------------------------------------------------------------


def test_continuity_puts_the_last_helper_first() -> None:
    same_unit = offer(1, place=at(floor=9))
    same_building = offer(2, place=at(unit=11, household=4))
    last_time = offer(3, place=at(unit=11))  # one step further than the nearest
    pairs = m.candidates([need(last_helper=3)], [same_unit, same_building, last_time])
    assert keys(pairs) == [3, 1, 2]
    assert pairs[0] == Pair(1, 3, 40 - 15, ("same_building", "came_last_time", "skill:repairs"))
    assert [p.reasons for p in pairs[1:]] == [
        ("same_unit", "skill:repairs"),
        ("same_building", "skill:repairs"),
    ]


def test_continuity_weighs_one_and_a_half_steps() -> None:
    upstairs = offer(1, place=at(floor=4))  # 20
    last_time = offer(2, place=at(unit=11))  # 40 - 15
    neighbour = offer(3, place=at(household=5))  # 10
    pairs = m.candidates([need(last_helper=2)], [upstairs, last_time, neighbour])
    assert [(p.offer, p.cost) for p in pairs] == [(3, 10), (1, 20), (2, 25)]


def test_continuity_never_brings_a_cost_below_one() -> None:
    [pair] = m.candidates([need(last_helper=5)], [offer(5, place=at())])
    assert pair.cost == 1
    assert pair.reasons == ("opposite_door", "came_last_time", "skill:repairs")


def test_the_last_helper_is_still_bound_by_the_hard_rules() -> None:
    assert m.candidates([need(last_helper=5)], [offer(5, remaining=0)]) == []


# Random cases --------------------------------------------------------------------------

KINDS = ("shopping", "escort", "repairs")
HUGE = 10**9


def random_case(
    rng: random.Random, most_needs: int = 8, most_offers: int = 6
) -> tuple[list[Need], list[Offer]]:
    """A small street: 2 communities of 2 compounds, 2 buildings, 2 units, 4 floors."""

    def place() -> Place:
        community, compound, building, unit = (rng.randrange(2) for _ in range(4))
        compound += 2 * community
        building += 2 * compound
        unit += 2 * building
        floor = rng.randrange(1, 5)
        return Place(unit * 10 + floor, unit, building, compound, community, floor)

    def window() -> tuple[int, int, int] | None:
        if rng.random() < 0.4:
            return None
        start = rng.choice((8, 9, 10, 14)) * 60
        return (rng.randrange(2), start, start + rng.choice((30, 60, 180)))

    offers = [
        Offer(
            key=100 + j,
            place=place(),
            skills=frozenset(rng.sample(KINDS, rng.randrange(1, 4))),
            availability=None
            if rng.random() < 0.5
            else tuple((d, 9 * 60, 12 * 60) for d in rng.sample(range(2), rng.randrange(1, 3))),
            remaining=rng.randrange(1, 4),
            load=rng.randrange(12),
        )
        for j in range(rng.randrange(1, most_offers + 1))
    ]
    needs = [
        Need(
            key=i,
            kind=rng.choice(KINDS),
            place=place(),
            window=window(),
            last_helper=rng.choice([None, None, *[o.key for o in offers]]),
            shared_compounds=frozenset(rng.sample(range(4), rng.randrange(3))),
        )
        for i in range(rng.randrange(1, most_needs + 1))
    ]
    return needs, offers


def reference_candidates(needs: list[Need], offers: list[Offer], limit: int) -> list[Pair]:
    """The rules, pair by pair."""
    codes = {1: "opposite_door", 2: "upstairs_downstairs", 3: "same_unit"}
    pairs = []
    for n in needs:
        found = []
        for o in offers:
            p, q = n.place, o.place
            fits = (
                n.window is None
                or o.availability is None
                or any(
                    d == n.window[0] and s <= n.window[1] and n.window[2] <= e
                    for d, s, e in o.availability
                )
            )
            allowed = q.community == p.community or q.compound in n.shared_compounds
            if q.household == p.household or n.kind not in o.skills or o.remaining <= 0:
                continue
            if not fits or not allowed:
                continue
            if q.unit == p.unit:
                step = min(abs(q.floor - p.floor), 2) + 1
                code = codes[step]
            elif q.building == p.building:
                step, code = 4, "same_building"
            elif q.compound == p.compound:
                step, code = 5, "same_compound"
            elif q.compound in n.shared_compounds:
                step, code = 6, "alliance"
            else:
                step, code = 8, "same_community"
            came_last = o.key == n.last_helper
            cost = max(10 * step + min(o.load, 9) - (15 if came_last else 0), 1)
            reasons = (code, "came_last_time") if came_last else (code,)
            found.append((cost, o.key, Pair(n.key, o.key, cost, (*reasons, f"skill:{n.kind}"))))
        pairs += [pair for _, _, pair in sorted(found)[:limit]]
    return pairs


def dense_optimum(needs: list[Need], offers: list[Offer], pairs: list[Pair]) -> int:
    """The optimum by linear_sum_assignment over replicated and UNMATCHED columns."""
    columns: dict[int, list[int]] = {}
    for o in offers:
        for _ in range(max(o.remaining, 0)):
            columns.setdefault(o.key, []).append(sum(map(len, columns.values())))
    width = sum(map(len, columns.values()))
    cost = np.full((len(needs), width + len(needs)), float(HUGE))
    row = {n.key: i for i, n in enumerate(needs)}
    for p in pairs:
        cost[row[p.need], columns.get(p.offer, [])] = p.cost
    for i in range(len(needs)):
        cost[i, width + i] = m.UNMATCHED
    rows, cols = linear_sum_assignment(cost)
    return int(cost[rows, cols].sum())


def check_feasible(
    needs: list[Need], offers: list[Offer], pairs: list[Pair], result: m.Assignment
) -> None:
    candidate = {(p.need, p.offer): p for p in pairs}
    assert all(candidate[p.need, p.offer] == p for p in result.pairs)
    assert sorted([p.need for p in result.pairs] + result.unmatched) == sorted(n.key for n in needs)
    used = Counter(p.offer for p in result.pairs)
    remaining = {o.key: o.remaining for o in offers}
    assert all(used[key] <= remaining[key] for key in used)
    matched_cost = sum(p.cost for p in result.pairs)
    assert result.total_cost == matched_cost + m.UNMATCHED * len(result.unmatched)


SEEDS = range(30)


@pytest.mark.parametrize("seed", SEEDS)
def test_candidates_follow_the_rules_pair_by_pair(seed: int) -> None:
    needs, offers = random_case(random.Random(seed))
    for limit in (60, 2):
        expected = reference_candidates(needs, offers, limit)
        assert m.candidates(needs, offers, max_candidates=limit) == expected


@pytest.mark.parametrize("seed", SEEDS)
def test_assign_reaches_the_optimum_of_linear_sum_assignment(seed: int) -> None:
    needs, offers = random_case(random.Random(seed))
    pairs = m.candidates(needs, offers)
    result = m.assign(needs, offers)
    check_feasible(needs, offers, pairs, result)
    assert result.total_cost == dense_optimum(needs, offers, pairs)


@pytest.mark.parametrize("seed", SEEDS)
def test_a_need_is_left_open_only_when_all_its_candidates_are_full(seed: int) -> None:
    needs, offers = random_case(random.Random(seed), most_needs=8, most_offers=3)
    pairs = m.candidates(needs, offers)
    result = m.assign(needs, offers)
    used = Counter(p.offer for p in result.pairs)
    remaining = {o.key: o.remaining for o in offers}
    for key in result.unmatched:
        assert all(used[p.offer] == remaining[p.offer] for p in pairs if p.need == key)


@pytest.mark.parametrize("seed", SEEDS)
def test_greedy_is_never_better_than_assign(seed: int) -> None:
    needs, offers = random_case(random.Random(seed))
    pairs = m.candidates(needs, offers)
    baseline = m.greedy(needs, offers)
    check_feasible(needs, offers, pairs, baseline)
    assert baseline.total_cost >= m.assign(needs, offers).total_cost


def test_greedy_serves_needs_in_their_order() -> None:
    helper = offer(1, place=at(), remaining=1)
    first, second = need(1, place=at(household=5, floor=9)), need(2)
    result = m.greedy([first, second], [helper])
    assert [(p.need, p.offer) for p in result.pairs] == [(1, 1)]
    assert result.unmatched == [2]


def test_assign_leaves_the_helper_only_one_need_can_have_to_that_need() -> None:
    both = offer(1, place=at(), skills=frozenset({"repairs", "shopping"}), remaining=1)
    repairs_only = offer(2, place=at(unit=11), remaining=1)
    fix_tap, groceries = need(1), need(2, kind="shopping", place=at(household=7))
    baseline = m.greedy([fix_tap, groceries], [both, repairs_only])
    assert ([(p.need, p.offer) for p in baseline.pairs], baseline.unmatched) == ([(1, 1)], [2])
    best = m.assign([fix_tap, groceries], [both, repairs_only])
    assert [(p.need, p.offer, p.cost) for p in best.pairs] == [(1, 2, 40), (2, 1, 10)]
    assert best.total_cost == 50 < baseline.total_cost == 10 + m.UNMATCHED


def moved(case: tuple[list[Need], list[Offer]], by: int) -> tuple[list[Need], list[Offer]]:
    """The same case in another street: every id shifted by `by`."""

    def place(p: Place) -> Place:
        household, unit, building = p.household + by, p.unit + by, p.building + by
        return Place(household, unit, building, p.compound + by, p.community + by, p.floor)

    needs = [
        dataclasses.replace(
            n,
            key=n.key + by,
            place=place(n.place),
            shared_compounds=frozenset(c + by for c in n.shared_compounds),
            last_helper=None if n.last_helper is None else n.last_helper + by,
        )
        for n in case[0]
    ]
    return needs, [dataclasses.replace(o, key=o.key + by, place=place(o.place)) for o in case[1]]


def test_independent_neighbourhoods_solved_in_batches_reach_the_same_optimum(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(m, "_BATCH", 16)
    rng = random.Random(7)
    needs: list[Need] = []
    offers: list[Offer] = []
    for street in range(40):
        part_needs, part_offers = moved(random_case(rng, most_needs=12), by=1000 * street)
        needs += part_needs
        offers += part_offers
    assert len(needs) > 5 * m._BATCH
    pairs = m.candidates(needs, offers)
    result = m.assign(needs, offers)
    check_feasible(needs, offers, pairs, result)
    assert result.total_cost == dense_optimum(needs, offers, pairs)


# The API -------------------------------------------------------------------------------


def test_empty_inputs_give_empty_results() -> None:
    helper, asker = offer(), need()
    assert m.candidates([], []) == m.candidates([], [helper]) == m.candidates([asker], []) == []
    for solve in (m.assign, m.greedy):
        assert solve([], []).pairs == solve([], [helper]).pairs == []
        nobody = solve([asker], [])
        assert (nobody.pairs, nobody.unmatched, nobody.total_cost) == ([], [1], m.UNMATCHED)
    assert m.rematch(asker, [], set()) == []


def test_assign_takes_pairs_computed_elsewhere() -> None:
    needs, offers = [need(1), need(2, place=at(household=8))], [offer(1, remaining=1)]
    pairs = [Pair(1, 1, 30, ("x",)), Pair(2, 1, 20, ("y",)), Pair(2, 1, 50, ("z",))]
    result = m.assign(needs, offers, pairs)
    assert result.pairs == [Pair(2, 1, 20, ("y",))]
    assert result.unmatched == [1]
    with pytest.raises(ValueError, match="unknown"):
        m.assign(needs, offers, [Pair(3, 1, 20, ())])
    with pytest.raises(ValueError, match="at least"):
        m.assign(needs, offers, [Pair(1, 1, 0, ())])


def test_keys_must_be_unique() -> None:
    with pytest.raises(ValueError, match="unique"):
        m.candidates([need(1), need(1)], [offer()])
    with pytest.raises(ValueError, match="unique"):
        m.assign([need(1)], [offer(1), offer(1)])


def test_rematch_leaves_out_the_helpers_who_declined_cheapest_first() -> None:
    offers = [offer(1, place=at(floor=5)), offer(2, place=at()), offer(3, place=at(floor=4))]
    assert keys(m.rematch(need(), offers, exclude={2})) == [3, 1]
    assert m.rematch(need(), offers, exclude={1, 2, 3}) == []


def test_the_assignment_reports_its_timings() -> None:
    result = m.assign([need()], [offer()])
    assert result.seconds_candidates >= 0 and result.seconds_solve >= 0
    assert result.pairs == [Pair(1, 1, 10, ("opposite_door", "skill:repairs"))]
