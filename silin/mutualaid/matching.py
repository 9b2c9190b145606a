"""Matching neighbours' help requests with helpers nearby (pure: stdlib, numpy and scipy).

Open requests (`Need`) and available helpers (`Offer`) give candidate pairs (`Pair`, with a
cost and reason codes), then the batch optimal assignment (`assign`) or the first-come
baseline (`greedy`); `rematch` lists the next helpers for one request when one declines.

No pair when the helper lives in the requester's household, lacks the skill, has no
capacity left, is not free for the whole request window (inside one of their windows of
that weekday; ``None`` fits anything), or lives neither in the requester's community nor
in one of its ``shared_compounds``. Cost: ``STEP_WEIGHT * step + min(load, 9)``, less
``CONTINUITY_BONUS`` when the helper came last time, at least 1. Steps, the first that
applies: opposite_door 1 (same unit and floor), upstairs_downstairs 2 (one floor apart),
same_unit 3, same_building 4, same_compound 5, alliance 6, same_community 8. Reasons: the
step's code, ``came_last_time``, ``skill:<kind>``, rendered later in the reader's language
("同单元 · 上次也是他 · 会修水管").

Candidates are scored by numpy over flat (need, offer) cells: offers are indexed by
(community, kind) and (compound, kind), each need meets only the offers of its pool (in
key order), and keeps its ``max_candidates`` cheapest (ties by offer key). Who is free in
which window is a table of the needs' distinct windows by offers, read once per cell. No
Python loop runs over pairs.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import connected_components, min_weight_full_bipartite_matching

IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]
CodeArray = NDArray[np.int32]

OPPOSITE_DOOR, UPSTAIRS_DOWNSTAIRS, SAME_UNIT, SAME_BUILDING = 1, 2, 3, 4  # proximity steps
SAME_COMPOUND, ALLIANCE, SAME_COMMUNITY = 5, 6, 8
STEP_CODES: dict[int, str] = {
    OPPOSITE_DOOR: "opposite_door",
    UPSTAIRS_DOWNSTAIRS: "upstairs_downstairs",
    SAME_UNIT: "same_unit",
    SAME_BUILDING: "same_building",
    SAME_COMPOUND: "same_compound",
    ALLIANCE: "alliance",
    SAME_COMMUNITY: "same_community",
}
CAME_LAST_TIME = "came_last_time"
SKILL_PREFIX = "skill:"

STEP_WEIGHT = 10  # cost per proximity step
MAX_LOAD_PENALTY = 9  # a point per task already this month, at most this (< one step)
CONTINUITY_BONUS = 15  # off when the helper came last time: one and a half steps
MIN_COST = 1  # the sparse solver drops zero weights
MAX_PAIR_COST = STEP_WEIGHT * SAME_COMMUNITY + MAX_LOAD_PENALTY  # 89
UNMATCHED = 1000  # the cost of leaving a need open: more than 11 times any pair's
MAX_CANDIDATES = 60  # cheapest candidates kept per need

_CELLS = 1 << 21  # (need, offer) cells scored at once: bounds the memory
_BATCH = 512  # needs per solver call; independent groups of neighbours are solved apart


@dataclass(frozen=True, slots=True)
class Place:
    household: int
    unit: int
    building: int
    compound: int
    community: int
    floor: int


@dataclass(frozen=True, slots=True)
class Need:
    """One open help request."""

    key: int  # request pk
    kind: str  # shopping, escort, repairs, visit, companionship, meals, transport, ...
    place: Place
    window: tuple[int, int, int] | None  # (weekday 0=Mon, start, end minute); None: any time
    last_helper: int | None  # the helper key who served this requester last time
    shared_compounds: frozenset[int] = frozenset()  # courtyard alliance: helpers there may serve


@dataclass(frozen=True, slots=True)
class Offer:
    """One helper."""

    key: int  # helper profile pk
    place: Place
    skills: frozenset[str]  # the kinds they do
    availability: tuple[tuple[int, int, int], ...] | None  # weekly windows; None: any time
    remaining: int  # tasks left under their monthly cap; <= 0: no candidate
    load: int = 0  # tasks already this month


@dataclass(frozen=True, slots=True)
class Pair:
    need: int  # Need.key
    offer: int  # Offer.key
    cost: int
    reasons: tuple[str, ...]


def pair_reasons(step: int, came_last: bool, kind: str) -> tuple[str, ...]:
    last = (CAME_LAST_TIME,) if came_last else ()
    return (STEP_CODES[step], *last, SKILL_PREFIX + kind)


@dataclass(frozen=True, slots=True)
class Candidates:
    """Sparse candidate pairs as parallel arrays, entry ``t`` for one pair.

    ``need[t]``, ``offer[t]``: positions in the `needs` and `offers` sequences (not keys);
    ``cost[t]``; ``step[t]``, the proximity step; ``came_last[t]``, continuity. Sorted by
    need, then cost, then offer key. `from_pairs` keeps the caller's pairs in ``given``
    (``step`` and ``came_last`` are then 0 and False: the reasons are the caller's).
    """

    need: IntArray
    offer: IntArray
    cost: IntArray
    step: IntArray
    came_last: BoolArray
    given: tuple[Pair, ...] | None = None

    def to_pairs(
        self, needs: Sequence[Need], offers: Sequence[Offer], at: IntArray | None = None
    ) -> list[Pair]:
        """The pairs of entries `at` (all by default)."""
        at = np.arange(self.need.size) if at is None else at
        if self.given is not None:
            return [self.given[t] for t in at.tolist()]
        reasons: dict[tuple[int, bool, str], tuple[str, ...]] = {}
        pairs = []
        columns = (self.need, self.offer, self.cost, self.step, self.came_last)
        for i, j, cost, *why in zip(*(c[at].tolist() for c in columns), strict=True):
            asker = needs[i]
            key = (why[0], why[1], asker.kind)
            if key not in reasons:
                reasons[key] = pair_reasons(*key)
            pairs.append(Pair(asker.key, offers[j].key, cost, reasons[key]))
        return pairs

    @classmethod
    def from_pairs(
        cls, needs: Sequence[Need], offers: Sequence[Offer], pairs: Sequence[Pair]
    ) -> Candidates:
        """Arrays for pairs computed elsewhere (a pair given twice keeps its cheapest cost)."""
        need_at, offer_at = _positions(needs), _positions(offers)
        try:
            rows = _column(need_at[p.need] for p in pairs)
            cols = _column(offer_at[p.offer] for p in pairs)
        except KeyError as error:
            raise ValueError(f"a pair names an unknown need or offer: {error}") from None
        cost = _column(p.cost for p in pairs)
        if cost.size and int(cost.min()) < MIN_COST:
            raise ValueError(f"pair costs are at least {MIN_COST}")
        order = np.lexsort((_key_rank(offers)[cols], cost, rows))
        pair_id = rows[order] * (len(offers) + 1) + cols[order]
        order = order[np.diff(pair_id, prepend=-1) != 0]  # the cheapest of each pair
        zero = np.zeros(order.size, dtype=np.int64)
        given = tuple(pairs[t] for t in order.tolist())
        return cls(rows[order], cols[order], cost[order], zero, zero.astype(bool), given)


@dataclass(slots=True)
class Assignment:
    """Matched pairs (in need order), the keys of needs left open, and the objective.

    ``total_cost`` is what `assign` minimises: the matched pairs' costs plus `UNMATCHED` per
    open need (``matched_cost`` leaves those out).
    """

    pairs: list[Pair]
    unmatched: list[int]
    total_cost: int
    seconds_candidates: float
    seconds_solve: float

    @property
    def matched_cost(self) -> int:
        return sum(p.cost for p in self.pairs)


def _positions(items: Sequence[Need | Offer]) -> dict[int, int]:
    at = {item.key: i for i, item in enumerate(items)}
    if len(at) != len(items):
        raise ValueError("keys must be unique")
    return at


def _column(values: Iterable[int]) -> IntArray:
    return np.fromiter(values, dtype=np.int64)


def _key_rank(offers: Sequence[Offer]) -> IntArray:
    rank = np.empty(len(offers), dtype=np.int64)
    rank[np.argsort(_column(o.key for o in offers), kind="stable")] = np.arange(len(offers))
    return rank


_HOUSEHOLD, _UNIT, _BUILDING, _COMPOUND, _COMMUNITY, _FLOOR = range(6)  # rows of _places


def _places(needs: Sequence[Need], offers: Sequence[Offer]) -> tuple[CodeArray, CodeArray]:
    """Places as (6, needs) and (6, offers) int32 rows, id fields renumbered densely."""
    places = [n.place for n in needs] + [o.place for o in offers]
    rows = [(p.household, p.unit, p.building, p.compound, p.community, p.floor) for p in places]
    table = np.array(rows, dtype=np.int64).reshape(-1, 6).T
    codes = np.empty(table.shape, dtype=np.int32)
    for field in range(_FLOOR):
        codes[field] = np.unique(table[field], return_inverse=True)[1].ravel()
    codes[_FLOOR] = np.clip(table[_FLOOR], -(1 << 20), 1 << 20)
    return codes[:, : len(needs)].copy(), codes[:, len(needs) :].copy()


@dataclass(frozen=True, slots=True)
class _Offers:
    place: CodeArray  # (6, offers)
    key: IntArray
    rank: IntArray  # the key's position in key order (breaks ties between equal costs)
    penalty: IntArray  # min(load, MAX_LOAD_PENALTY)
    any_time: BoolArray  # availability None
    start: IntArray  # (offers, 7, W): each weekday's windows, padded with ones holding nothing
    end: IntArray

    @classmethod
    def of(cls, offers: Sequence[Offer], place: CodeArray) -> _Offers:
        slots: list[tuple[int, int, int, int, int]] = []  # offer, weekday, slot, start, end
        for j, offer in enumerate(offers):
            used = [0] * 7
            for day, begin, finish in offer.availability or ():
                if 0 <= day < 7:
                    slots.append((j, day, used[day], begin, finish))
                    used[day] += 1
        table = np.array(slots, dtype=np.int64).reshape(-1, 5).T
        shape = (len(offers), 7, int(table[2].max()) + 1 if slots else 0)
        start, end = np.full(shape, 1 << 40, dtype=np.int64), np.full(shape, -1, dtype=np.int64)
        start[table[0], table[1], table[2]], end[table[0], table[1], table[2]] = table[3:]
        penalty = _column(min(max(o.load, 0), MAX_LOAD_PENALTY) for o in offers)
        any_time = np.array([o.availability is None for o in offers], dtype=bool)
        key = _column(o.key for o in offers)
        return cls(place, key, _key_rank(offers), penalty, any_time, start, end)


@dataclass(frozen=True, slots=True)
class _Needs:
    place: CodeArray  # (6, needs)
    last: IntArray  # the position of the offer who came last time; -1: none of them
    window: IntArray  # (3, needs): weekday (-1: any time), start, end

    @classmethod
    def of(cls, needs: Sequence[Need], place: CodeArray, offer_at: dict[int, int]) -> _Needs:
        if any(n.window is not None and not 0 <= n.window[0] < 7 for n in needs):
            raise ValueError("a window's weekday is 0 (Monday) to 6")
        last = _column(offer_at.get(n.last_helper, -1) for n in needs)  # type: ignore[arg-type]
        windows = np.array([n.window or (-1, 0, 0) for n in needs], dtype=np.int64)
        return cls(place, last, windows.reshape(-1, 3).T.copy())


def _free(nt: _Needs, ot: _Offers, cells: int) -> tuple[IntArray, BoolArray] | None:
    """Who is free when: each need's row of ``table`` (one per distinct window, the last for
    any time), whose column j says whether offer j holds the window. None when the table
    would cost more than checking the `cells` one by one."""
    timed = np.nonzero(nt.window[0] >= 0)[0]
    windows, inverse = np.unique(nt.window[:, timed].T, axis=0, return_inverse=True)
    if windows.shape[0] * ot.key.size * max(ot.start.shape[2], 1) > cells:
        return None
    day, start, end = windows.T
    table = np.ones((windows.shape[0] + 1, ot.key.size), dtype=bool)
    table[:-1] = ((ot.start[:, day] <= start[:, None]) & (ot.end[:, day] >= end[:, None])).any(2).T
    table[:, ot.any_time] = True
    row = np.full(nt.window.shape[1], windows.shape[0], dtype=np.int64)
    row[timed] = inverse.ravel()
    return row, table


@dataclass(frozen=True, slots=True)
class _Pools:
    """The offers that may serve each need: a pool per (community, kind, shared compounds).

    Need i's is ``offer[ptr[g]:ptr[g + 1]]``, ``g = group[i]``, in key order (`rank`);
    ``shared``: in a shared compound.
    """

    group: IntArray
    ptr: IntArray
    offer: IntArray
    shared: BoolArray

    @classmethod
    def of(cls, needs: Sequence[Need], offers: Sequence[Offer], rank: IntArray) -> _Pools:
        by_community: dict[tuple[int, str], list[int]] = {}
        by_compound: dict[tuple[int, str], list[int]] = {}
        for j, offer in enumerate(offers):
            for kind in offer.skills if offer.remaining > 0 else ():
                by_community.setdefault((offer.place.community, kind), []).append(j)
                by_compound.setdefault((offer.place.compound, kind), []).append(j)
        compound_of = [o.place.compound for o in offers]
        community_of = [o.place.community for o in offers]
        groups: dict[tuple[int, str, frozenset[int]], int] = {}
        group: list[int] = []
        pool: list[int] = []
        shared: list[bool] = []
        ptr = [0]
        for need in needs:
            community, kind, alliance = need.place.community, need.kind, need.shared_compounds
            group.append(groups.setdefault((community, kind, alliance), len(groups)))
            if group[-1] < len(ptr) - 1:
                continue
            near = by_community.get((community, kind), [])
            pool += near
            shared += [compound_of[j] in alliance for j in near]
            for compound in sorted(alliance):
                far = by_compound.get((compound, kind), [])
                far = [j for j in far if community_of[j] != community]
                pool += far
                shared += [True] * len(far)
            ptr.append(len(pool))
        at, bounds = _column(pool), _column(ptr)
        order = np.lexsort((rank[at], np.repeat(np.arange(bounds.size - 1), np.diff(bounds))))
        return cls(_column(group), bounds, at[order], np.array(shared, dtype=bool)[order])


def _chunk(
    nt: _Needs,
    ot: _Offers,
    pools: _Pools,
    free: tuple[IntArray, BoolArray] | None,
    lo: int,
    hi: int,
    limit: int,
) -> tuple[IntArray, ...]:
    """The `limit` cheapest candidates of needs lo..hi-1 (fewer than 2 ** 16), by need,
    cost and offer key."""
    begin, count = pools.ptr[pools.group[lo:hi]], np.diff(pools.ptr)[pools.group[lo:hi]]
    row = np.repeat(np.arange(lo, hi), count)
    cell = np.repeat(begin - (np.cumsum(count) - count), count) + np.arange(row.size)
    col = pools.offer[cell]
    # First who may serve at all (not their own household, free in the window), then the
    # costs of those cells only.
    ok = np.repeat(nt.place[_HOUSEHOLD, lo:hi], count) != ot.place[_HOUSEHOLD][col]
    if free is not None:
        ok &= free[1][np.repeat(free[0][lo:hi], count), col]
    else:
        timed = ok & (np.repeat(nt.window[0, lo:hi], count) >= 0) & ~ot.any_time[col]
        timed = np.nonzero(timed)[0]
        day, start, end = nt.window[:, row[timed]]
        c = col[timed]
        ok[timed] = ((ot.start[c, day] <= start[:, None]) & (ot.end[c, day] >= end[:, None])).any(1)
    keep = np.nonzero(ok)[0]
    row, col, shared = row[keep], col[keep], pools.shared[cell[keep]]
    step = np.where(shared, ALLIANCE, SAME_COMMUNITY)
    step[nt.place[_COMPOUND][row] == ot.place[_COMPOUND][col]] = SAME_COMPOUND
    step[nt.place[_BUILDING][row] == ot.place[_BUILDING][col]] = SAME_BUILDING
    unit = np.nonzero(nt.place[_UNIT][row] == ot.place[_UNIT][col])[0]
    floors = np.abs(nt.place[_FLOOR][row[unit]] - ot.place[_FLOOR][col[unit]])
    step[unit] = np.minimum(floors, 2) + OPPOSITE_DOOR  # 1, 2, 3
    came_last = nt.last[row] == col
    cost = STEP_WEIGHT * step + ot.penalty[col] - CONTINUITY_BONUS * came_last
    np.maximum(cost, MIN_COST, out=cost)
    # A need's cells are in offer key order (its pool's): stable radix sorts by cost, then by
    # need, order them by need, cost and key; each need keeps its first `limit`.
    by_cost = np.argsort(cost.astype(np.uint8), kind="stable")  # costs <= MAX_PAIR_COST
    need = (row - lo).astype(np.uint16)
    order = by_cost[np.argsort(need[by_cost], kind="stable")]
    have = np.bincount(need, minlength=hi - lo)
    first = np.cumsum(have) - have  # where each need's cells begin in `order`
    need = need[order]
    kept = order[np.arange(order.size) - first[need] < limit]
    return row[kept], col[kept], cost[kept], step[kept], came_last[kept]


def find_candidates(
    needs: Sequence[Need], offers: Sequence[Offer], max_candidates: int = MAX_CANDIDATES
) -> Candidates:
    """Every need's `max_candidates` cheapest candidate pairs, as arrays."""
    _positions(needs)
    need_place, offer_place = _places(needs, offers)
    ot = _Offers.of(offers, offer_place)
    nt = _Needs.of(needs, need_place, _positions(offers))
    pools = _Pools.of(needs, offers, ot.rank)
    cells = np.cumsum(np.diff(pools.ptr)[pools.group])  # cells up to each need, included
    free = _free(nt, ot, int(cells[-1])) if cells.size else None
    most_rows = (1 << 16) - 1  # a need's position in its chunk fits 16 bits
    empty = np.zeros(0, dtype=np.int64)
    parts: list[tuple[IntArray, ...]] = [(empty, empty, empty, empty, empty.astype(bool))]
    lo = 0
    while lo < len(needs) and max_candidates > 0:
        hi = int(np.searchsorted(cells, (cells[lo - 1] if lo else 0) + _CELLS, side="right"))
        hi = min(max(hi, lo + 1), lo + most_rows)
        parts.append(_chunk(nt, ot, pools, free, lo, hi, max_candidates))
        lo = hi
    need, offer, cost, step, came_last = (np.concatenate(a) for a in zip(*parts, strict=True))
    return Candidates(need, offer, cost, step, came_last)


def candidates(
    needs: Sequence[Need], offers: Sequence[Offer], max_candidates: int = MAX_CANDIDATES
) -> list[Pair]:
    """Every need's `max_candidates` cheapest pairs, by need, then cost, then offer key."""
    return find_candidates(needs, offers, max_candidates).to_pairs(needs, offers)


def rematch(
    need: Need, offers: Sequence[Offer], exclude: set[int], max_candidates: int = MAX_CANDIDATES
) -> list[Pair]:
    """The cheapest candidates for one need, cheapest first, without helpers who declined."""
    return candidates([need], [o for o in offers if o.key not in exclude], max_candidates)


def _solve(need: IntArray, offer: IntArray, cost: IntArray, copies: IntArray, n: int) -> IntArray:
    """For each of `n` needs (entries sorted by need), its entry in a min-cost matching.

    Rows: the needs. Columns: each offer ``copies`` times, then one per need (a last entry
    ``m + i`` of need i) at cost UNMATCHED, so that a full matching exists. -1: left open.
    """
    m = copies.size
    counts = np.bincount(need, minlength=n)
    last = np.cumsum(counts + 1) - 1
    at = np.arange(need.size) + need  # the entries' places once each earlier need has its own
    helper = np.empty(need.size + n, dtype=np.int64)
    helper[at], helper[last] = offer, m + np.arange(n)
    price = np.empty(need.size + n)
    price[at], price[last] = cost, UNMATCHED
    copies = np.concatenate([copies, np.ones(n, dtype=np.int64)])
    repeat = copies[helper]
    ends = np.cumsum(repeat)
    first = (np.cumsum(copies) - copies)[helper] - (ends - repeat)  # less the start of entry
    indices = np.repeat(first.astype(np.int32), repeat) + np.arange(ends[-1], dtype=np.int32)
    indptr = np.concatenate([[0], ends[last]]).astype(np.int32)
    graph = csr_matrix((np.repeat(price, repeat), indices, indptr), shape=(n, int(copies.sum())))
    column = np.asarray(min_weight_full_bipartite_matching(graph)[1], dtype=np.int64)
    served = np.repeat(np.arange(m + n), copies)[column]  # m + i for need i left open
    entry = np.nonzero(offer == np.repeat(served, counts))[0]
    chosen = np.full(n, -1, dtype=np.int64)
    chosen[need[entry]] = entry
    return chosen


def _optimal(cand: Candidates, n: int, capacity: IntArray) -> IntArray:
    """For each need, its candidate entry in a min-cost assignment (-1: left open).

    Groups of needs and offers that no candidate links are independent: `_solve` takes them
    in batches of about _BATCH needs (its work grows with rows times columns).
    """
    chosen = np.full(n, -1, dtype=np.int64)
    m = capacity.size
    copies = np.minimum(np.maximum(capacity, 0), np.bincount(cand.offer, minlength=m))
    usable = np.nonzero(copies[cand.offer] > 0)[0]
    if usable.size == 0:
        return chosen
    need, offer = cand.need[usable], cand.offer[usable]
    indptr = np.concatenate([[0], np.cumsum(np.bincount(need, minlength=n)), [need.size] * m])
    links = csr_matrix((np.ones(need.size), n + offer, indptr), shape=(n + m, n + m))
    label = connected_components(links, directed=False)[1]
    batch = (np.cumsum(np.bincount(label[:n], minlength=n + m)) // _BATCH)[label]
    batch = batch.astype(np.uint16 if n < _BATCH << 16 else np.int64)  # radix sorts below
    of = (batch[:n], batch[n:], batch[need])  # the batch of each need, offer and entry
    orders = [np.argsort(b, kind="stable") for b in of]  # by batch, then by position
    ranked = [b[order] for b, order in zip(of, orders, strict=True)]
    local = np.empty(n + m, dtype=np.int64)  # positions in their batch
    local[orders[0]] = np.arange(n) - np.searchsorted(ranked[0], ranked[0])
    local[n + orders[1]] = np.arange(m) - np.searchsorted(ranked[1], ranked[1])
    need, offer, cost = local[need], local[n + offer], cand.cost[usable]
    for b in range(int(batch.max()) + 1):
        rows, cols, mine = (
            order[np.searchsorted(r, b) : np.searchsorted(r, b, "right")]
            for order, r in zip(orders, ranked, strict=True)
        )
        if mine.size:
            got = _solve(need[mine], offer[mine], cost[mine], copies[cols], rows.size)
            chosen[rows[got >= 0]] = usable[mine[got[got >= 0]]]
    return chosen


def _greedy(cand: Candidates, n: int, capacity: IntArray) -> IntArray:
    """Needs in order, each takes its cheapest candidate with capacity left."""
    left, offer = capacity.tolist(), cand.offer.tolist()
    chosen = np.full(n, -1, dtype=np.int64)
    bounds = np.searchsorted(cand.need, np.arange(n + 1)).tolist()
    for i in range(n):
        for t in range(bounds[i], bounds[i + 1]):
            if left[offer[t]] > 0:
                left[offer[t]] -= 1
                chosen[i] = t
                break
    return chosen


def _run(
    needs: Sequence[Need],
    offers: Sequence[Offer],
    pairs: Sequence[Pair] | None,
    limit: int,
    solve: Callable[[Candidates, int, IntArray], IntArray],
) -> Assignment:
    start = time.perf_counter()
    if pairs is None:
        cand = find_candidates(needs, offers, limit)
    else:
        cand = Candidates.from_pairs(needs, offers, pairs)
    middle = time.perf_counter()
    chosen = solve(cand, len(needs), _column(o.remaining for o in offers))
    seconds = (middle - start, time.perf_counter() - middle)
    matched = cand.to_pairs(needs, offers, chosen[chosen >= 0])
    unmatched = [needs[i].key for i in np.nonzero(chosen < 0)[0].tolist()]
    total = sum(p.cost for p in matched) + UNMATCHED * len(unmatched)
    return Assignment(matched, unmatched, total, *seconds)


def assign(
    needs: Sequence[Need],
    offers: Sequence[Offer],
    pairs: Sequence[Pair] | None = None,
    max_candidates: int = MAX_CANDIDATES,
) -> Assignment:
    """The assignment of least `Assignment.total_cost` over `pairs` (default: `candidates`).

    A need gets at most one helper, a helper at most ``remaining`` needs, and a need is left
    open only when every candidate of it is used to capacity.
    """
    return _run(needs, offers, pairs, max_candidates, _optimal)


def greedy(
    needs: Sequence[Need],
    offers: Sequence[Offer],
    pairs: Sequence[Pair] | None = None,
    max_candidates: int = MAX_CANDIDATES,
) -> Assignment:
    """The baseline: needs in order, each takes its cheapest candidate with capacity left."""
    return _run(needs, offers, pairs, max_candidates, _greedy)
