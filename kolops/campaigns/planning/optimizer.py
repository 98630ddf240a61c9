"""Choose the best mix of channels within the budget: a 0/1 programme solved with HiGHS.

One binary choice per option. The rules, all hard:

* maximise the total value of the chosen options;
* their total cost stays within the plannable budget (budget − reserve, worked out by the caller);
* every tier / platform / category quota bounds its group: min_count ≤ chosen ≤ max_count and
  min_share·budget ≤ cost of the chosen ≤ max_share·budget (None = no bound). An option is in a
  category group when the slug is among its categories, so it may count for several;
* at most one channel per KOL, unless the campaign allows several;
* forced options (`Option.forced`, or the key in `spec.must_include`) are chosen; options in
  `spec.exclude` are dropped even when the caller passed them (exclusion wins).

How: the LP relaxation bounds the value from above; the better of the greedy mix, the LP
solution rounded down and filled greedily, and the optimum of a small core MILP (the options
the LP leaves open or nearly so, the others at their LP values) is the incumbent. When it is
within `mip_rel_gap` of the bound it is returned. Otherwise reduced-cost fixing settles every option whose LP reduced
cost exceeds the gap (it keeps its LP value in every mix at least as good as the incumbent, so the
optimum survives) and `scipy.optimize.milp` branches on the rest. HiGHS alone takes seconds on a
5,000-option knapsack; the core left after fixing is small.

Guarantees of `optimize`: **never below greedy** (greedy's mix is an incumbent, and HiGHS's mix
replaces it only when worth more); an infeasible result names a constraint that cannot be met, in
`Solution.failure` (plain data) and `Solution.message` (English): first by cheap pre-checks, then
by a deletion filter that drops constraint families cumulatively in a fixed order (budget,
minimum bounds, maximum bounds, one-per-KOL, must-include) and names the family whose removal
first makes the programme feasible. `chosen` keeps the input order of the options.
"""

import time
from collections.abc import Sequence

import numpy as np

from .program import (
    TOL,
    Failure,
    Group,
    Model,
    Problem,
    build_model,
    fail,
    is_are,
    money,
    needs,
    plural,
    prepare,
    rel_gap,
    relaxation,
    rhs_of,
    solve_milp,
    violation,
)
from .records import CampaignSpec, Option, Settings, Solution

_FILTER_SECONDS = 0.5  # per re-solve while explaining infeasibility (feasibility only: quick)
_PRESOLVE_COLUMNS = 1_000  # HiGHS presolves a core up to this size (see `_branch`)
_CORE_SIZE = 150  # options of smallest reduced cost in the core MILP (besides the fractional ones)
_CORE_SECONDS = 0.6  # at most this much of the time limit goes to the core MILP


def optimize(options: Sequence[Option], *, budget: float, spec: CampaignSpec, settings: Settings) -> Solution:
    """The highest-value mix meeting every rule of the module, to `mip_rel_gap`, never below greedy.

    status is "optimal" (proven within `settings.mip_rel_gap`), "time_limit" (stopped at
    `settings.time_limit_seconds` with a feasible mix; `gap` says how far from the best it may be)
    or "infeasible" (nothing chosen; `failure` names the constraint, except when the time ran out
    before any mix was found: then it is None and only `message` says so). `gap` is capped at 1.0
    (100 %), so that an unknown gap stays a JSON-safe number.
    """
    start = time.perf_counter()
    p = prepare(options, budget, spec)
    if failure := _precheck(p):
        return _result(p, None, start, failure=failure)
    if not p.options:
        return _result(p, np.zeros(0, dtype=bool), start)
    model = build_model(p)
    chosen, code, bound = _search(p, model, settings, start)
    if chosen is None and code == 2:
        return _result(p, None, start, failure=_explain_infeasible(p, model, settings))
    limit = f"the time limit of {settings.time_limit_seconds:g} s" if code == 1 else "an early solver stop"
    if chosen is None:
        return _result(p, None, start, failure=(None, f"No feasible mix was found before {limit}."))
    gap = rel_gap(bound, float(p.value[chosen].sum()))
    if code == 0 or gap <= settings.mip_rel_gap:  # stopped early but already proven close enough
        return _result(p, chosen, start, gap=gap)
    how_far = (
        f"the mix is within {gap:.2%} of the best possible" if np.isfinite(gap) else "its gap is unknown"
    )
    return _result(p, chosen, start, gap=gap, status="time_limit", message=f"Stopped at {limit}; {how_far}.")


def greedy(options: Sequence[Option], *, budget: float, spec: CampaignSpec) -> Solution:
    """Best value per cost first, within the rules as far as a greedy can.

    Forced options first; then, group by group, the best-ratio members until the group's
    min_count and min_share are met; then every other option by value per cost (zero cost first)
    while the budget, the max bounds and one-per-KOL allow. For greedy, status only says whether
    the mix is feasible: "optimal" = every constraint holds (gap 0), "infeasible" = a bound is
    unmet (nothing chosen; `failure` names the first unmet one).
    """
    start = time.perf_counter()
    p = prepare(options, budget, spec)
    if failure := _precheck(p):
        return _result(p, None, start, failure=failure)
    chosen = _greedy_pick(p)
    if failure := violation(p, chosen):
        return _result(p, None, start, failure=(failure[0], f"The greedy mix misses a bound: {failure[1]}"))
    return _result(p, chosen, start)


# --- the programme -------------------------------------------------------------------------------


def _search(p: Problem, model: Model, settings: Settings, start: float):
    """(best mix or None, milp-style status 0 / 1 / 2 / 4, upper bound on the value)."""
    lp = relaxation(p, model)
    if lp.status == 2:
        return None, 2, -np.inf
    bound = -lp.fun if lp.status == 0 else np.inf
    incumbent = _incumbent(p, model, lp)
    if _close_enough(p, incumbent, bound, settings):
        return incumbent, 0, bound
    if lp.status == 0:
        core = _core_mix(p, model, lp, settings, start)
        if core is not None and (incumbent is None or p.value[core].sum() > p.value[incumbent].sum()):
            incumbent = core
        if _close_enough(p, incumbent, bound, settings):
            return incumbent, 0, bound
    return _branch(p, model, lp, bound, incumbent, settings, start)


def _close_enough(p: Problem, mix, bound: float, settings: Settings) -> bool:
    return mix is not None and rel_gap(bound, float(p.value[mix].sum())) <= settings.mip_rel_gap


def _core_mix(p: Problem, model: Model, lp, settings: Settings, start: float) -> np.ndarray | None:
    """A mix from a small MILP over the options the LP leaves open: the fractional ones and those
    of smallest reduced cost; every other option keeps its LP value. A near-optimal incumbent
    lets reduced-cost fixing settle almost everything, so the full search has little left."""
    reduced = np.abs(lp.lower.marginals) + np.abs(lp.upper.marginals)
    core = (lp.x > TOL) & (lp.x < 1 - TOL)
    core[np.argsort(reduced, kind="stable")[:_CORE_SIZE]] = True
    core &= ~p.forced
    on = p.forced | ((lp.x > 1 - TOL) & ~core)
    shift = model.matrix @ on.astype(float)
    seconds = min(_CORE_SECONDS, settings.time_limit_seconds - (time.perf_counter() - start))
    if seconds <= 0 or not core.any():
        return None
    res = solve_milp(
        p.value[core],
        np.zeros(int(core.sum())),
        model.matrix[:, core],
        model.lb - shift,
        model.ub - shift,
        time_limit=seconds,
        gap=settings.mip_rel_gap / 4,
        presolve=True,
    )
    if res.x is None:
        return None
    mix = on.copy()
    mix[np.flatnonzero(core)[res.x > 0.5]] = True
    return mix if violation(p, mix) is None else None


def _branch(p: Problem, model: Model, lp, bound: float, incumbent, settings: Settings, start: float):
    """Branch and bound on what reduced-cost fixing leaves open; same result shape as `_search`."""
    best = -np.inf if incumbent is None else float(p.value[incumbent].sum())
    on, free = _fixings(p, lp, bound, best)
    fixed = float(p.value[on].sum())
    if not free.any():  # everything settled: the incumbent (or the forced set) is the only mix left
        return (on if incumbent is None else incumbent), 0, max(best, fixed)
    # HiGHS's gap is relative to the free part's value; widen it so the whole stays within target.
    gap = settings.mip_rel_gap * (bound / (bound - fixed) if np.isfinite(bound) and bound > fixed else 1.0)
    shift = model.matrix @ on.astype(float)
    # HiGHS's presolve costs seconds on wide knapsack rows (5 s alone for one 5,000-column budget
    # row), so a large core goes without: fixing has done that work. A small core keeps it, since
    # without it HiGHS 1.12's sub-MIP now and then prints a debug line to stdout.
    res = solve_milp(
        p.value[free],
        p.forced[free],
        model.matrix[:, free],
        model.lb - shift,
        model.ub - shift,
        time_limit=settings.time_limit_seconds - (time.perf_counter() - start),
        gap=gap,
        presolve=bool(free.sum() <= _PRESOLVE_COLUMNS),
    )
    if res.x is None:
        # The incumbent obeys every fixing, so "infeasible" after fixing means nothing beats it.
        code = 0 if res.status == 2 and incumbent is not None else res.status
        return incumbent, code, best if code == 0 else bound
    chosen = on.copy()
    chosen[np.flatnonzero(free)[res.x > 0.5]] = True
    if res.mip_dual_bound is not None and np.isfinite(res.mip_dual_bound):
        bound = min(bound, fixed - res.mip_dual_bound)
    if best > p.value[chosen].sum():  # never below the incumbent, so never below greedy
        chosen = incumbent
    return chosen, res.status, bound


def _fixings(p: Problem, lp, bound: float, best: float) -> tuple[np.ndarray, np.ndarray]:
    """(fixed on, free): an option whose reduced cost exceeds bound − best keeps its LP value in
    every mix worth at least `best`, so it need not be branched on."""
    on, free = p.forced.copy(), ~p.forced
    if lp.status != 0 or not np.isfinite(best):
        return on, free
    slack = bound - best + 1e-6 * max(1.0, abs(bound))  # margin for the LP's dual tolerance
    off, up = free & (lp.lower.marginals > slack), free & (-lp.upper.marginals > slack)
    return on | up, free & ~off & ~up


# --- explaining infeasibility --------------------------------------------------------------------


def _precheck(p: Problem) -> Failure | None:
    """Infeasibilities visible without solving, most basic first."""
    if p.budget < 0:
        return {"kind": "budget", "limit": p.budget}, f"The plannable budget is negative: {money(p.budget)}."
    forced = np.flatnonzero(p.forced)
    if (cost := float(p.cost[forced].sum())) > p.budget + TOL:
        message = f"The must-include KOLs cost {money(cost)} but the budget is {money(p.budget)}."
        return {"kind": "must_include", "limit": p.budget, "cost": cost}, message
    kols, counts = np.unique(p.kol[forced], return_counts=True)
    if p.one_per_kol and (counts > 1).any():
        kol = int(kols[counts > 1][0])
        message = (
            f"Several must-include channels belong to KOL {kol} but only one channel per KOL is allowed."
        )
        return {"kind": "kol", "kol_id": kol}, message
    return next(filter(None, (_precheck_group(p, g) for g in p.groups)), None)


def _precheck_group(p: Problem, g: Group) -> Failure | None:
    """A bound that contradicts the other bound of its quota, or that the group's own candidates
    (for a minimum) or its must-include members (for a maximum) cannot meet. The failure adds
    "available" (eligible KOLs for min_count, the most the group can spend for min_share),
    "forced" (must-include members, max_count) or "forced_cost" (their cost, max_share)."""

    def fails(bound: str, facts: dict, why: str) -> Failure:
        return fail(g, bound) | facts, f"{g.label} {needs(g, bound, p)} but {why}."

    for low, high in (("min_count", "max_count"), ("min_share", "max_share")):
        if rhs_of(p, g, low, -np.inf) > rhs_of(p, g, high, np.inf) + TOL:
            return fails(low, {}, needs(g, high, p))
    forced = g.members[p.forced[g.members]]
    available = int(np.unique(p.kol[g.members]).size if p.one_per_kol else g.members.size)
    if rhs_of(p, g, "min_count", 0) > available:
        return fails(
            "min_count",
            {"available": available},
            f"only {plural(available, 'candidate')} {is_are(available)} eligible",
        )
    if rhs_of(p, g, "min_share", 0) > (reach := _reachable_spend(p, g)) + TOL:
        return fails("min_share", {"available": reach}, f"its candidates can take at most {money(reach)}")
    if forced.size > rhs_of(p, g, "max_count", np.inf):
        return fails(
            "max_count",
            {"forced": int(forced.size)},
            f"{plural(forced.size, 'must-include KOL')} belong to it",
        )
    if (cost := float(p.cost[forced].sum())) > rhs_of(p, g, "max_share", np.inf) + TOL:
        return fails("max_share", {"forced_cost": cost}, f"its must-include KOLs cost {money(cost)}")
    return None


def _reachable_spend(p: Problem, g: Group) -> float:
    """An upper bound on what the group can spend: its dearest channel per KOL, max_count of them."""
    costs, kols = p.cost[g.members], p.kol[g.members]
    if p.one_per_kol and costs.size:
        order = np.lexsort((-costs, kols))  # by KOL, dearest first: keep each KOL's first
        costs = costs[order][np.r_[True, kols[order][1:] != kols[order][:-1]]]
    costs = np.sort(costs)[::-1][: None if g.quota.max_count is None else max(g.quota.max_count, 0)]
    return min(float(costs.sum()), p.budget)


def _explain_infeasible(p: Problem, model: Model, settings: Settings) -> Failure:
    """Deletion filter: drop families cumulatively until a mix exists; blame the last one dropped."""
    quotas = [f for f in dict.fromkeys(model.family) if len(f) == 3]
    families = [
        ("budget",),
        *(f for f in quotas if f[2].startswith("min")),
        *(f for f in quotas if f[2].startswith("max")),
        *([("kol",)] if ("kol",) in model.family else []),
        *([("must_include",)] if p.forced.any() else []),
    ]
    dropped: set[tuple[str, ...]] = set()
    seconds = min(_FILTER_SECONDS, settings.time_limit_seconds)
    for family in families:
        dropped.add(family)
        rows = np.array([f not in dropped for f in model.family])
        lower = p.forced & (("must_include",) not in dropped)
        res = solve_milp(
            np.zeros(p.cost.size),
            lower,
            model.matrix[rows],
            model.lb[rows],
            model.ub[rows],
            time_limit=seconds,
            gap=1.0,  # no objective: any feasible mix will do, and presolve is quick then
            presolve=True,
        )
        if res.x is not None:
            return _blame(p, family)
    return {"kind": "budget", "limit": p.budget}, "No mix meets all the constraints together."


def _blame(p: Problem, family: tuple[str, ...]) -> Failure:
    """Words for a family the deletion filter found at the heart of the conflict."""
    if family == ("budget",):
        what = "The minimums and the must-include KOLs" if p.forced.any() else "The minimums"
        message = f"{what} cannot all be met within the budget of {money(p.budget)}."
        return {"kind": "budget", "limit": p.budget}, message
    if family == ("kol",):
        return {"kind": "kol"}, "Only one channel per KOL is allowed, which leaves too few candidates."
    if family == ("must_include",):
        return {"kind": "must_include"}, "The must-include KOLs cannot be combined with the quotas."
    g = next(g for g in p.groups if (g.kind, g.name) == family[:2])
    message = f"{g.label} {needs(g, family[2], p)}, which the other constraints do not allow."
    return fail(g, family[2]), message


# --- greedy --------------------------------------------------------------------------------------


class _Greedy:
    """The greedy's running mix and how much of each bound it uses."""

    def __init__(self, p: Problem):
        self.p, self.chosen, self.spent, self.kols = p, np.zeros(p.cost.size, dtype=bool), 0.0, set()
        self.count, self.spend = np.zeros(len(p.groups)), np.zeros(len(p.groups))
        self.max_count = np.array([rhs_of(p, g, "max_count", np.inf) for g in p.groups])
        self.max_spend = np.array([rhs_of(p, g, "max_share", np.inf) for g in p.groups])
        member_of = [[] for _ in p.options]
        for gi, g in enumerate(p.groups):
            for i in g.members:
                member_of[i].append(gi)
        self.member_of = [np.array(m, dtype=int) for m in member_of]

    def fits(self, i: int) -> bool:
        p, g = self.p, self.member_of[i]
        if self.chosen[i] or (p.one_per_kol and int(p.kol[i]) in self.kols):
            return False
        return bool(
            self.spent + p.cost[i] <= p.budget + TOL
            and np.all(self.count[g] + 1 <= self.max_count[g])
            and np.all(self.spend[g] + p.cost[i] <= self.max_spend[g] + TOL)
        )

    def add(self, i: int) -> None:
        g = self.member_of[i]
        self.chosen[i] = True
        self.spent += self.p.cost[i]
        self.kols.add(int(self.p.kol[i]))
        self.count[g] += 1
        self.spend[g] += self.p.cost[i]

    def fill(self, gi: int, ranked: np.ndarray) -> None:
        """The group's best-ratio members until its minimums are met. One pass is enough: adding
        only tightens the bounds, so a member that did not fit will not fit later."""
        p, g = self.p, self.p.groups[gi]
        need_count, need_spend = rhs_of(p, g, "min_count", 0), rhs_of(p, g, "min_share", 0) - TOL
        for i in ranked:
            if self.count[gi] >= need_count and self.spend[gi] >= need_spend:
                return
            if self.fits(i):
                self.add(i)


def _greedy_pick(p: Problem, start: np.ndarray | None = None) -> np.ndarray:
    """The greedy mix, from the forced options or from `start` (an LP solution rounded down)."""
    state = _Greedy(p)
    for i in np.flatnonzero(p.forced if start is None else start | p.forced):
        state.add(i)  # the pre-check has made sure the forced fit together
    ratio = np.divide(p.value, p.cost, out=np.full(p.cost.size, np.inf), where=p.cost > 0)
    order = np.lexsort((np.arange(p.cost.size), -p.value, -ratio))  # zero cost first, then ratio, value
    by_value = np.lexsort((np.arange(p.cost.size), -ratio, -p.value))
    for gi, g in enumerate(p.groups):
        # A share to reach is reached sooner with the most valuable members than the cheapest.
        ranked = by_value if g.quota.min_share else order
        state.fill(gi, ranked[np.isin(ranked, g.members)])
    for i in order:
        if p.value[i] > 0 and state.fits(i):
            state.add(i)
    return state.chosen


def _incumbent(p: Problem, model: Model, lp) -> np.ndarray | None:
    """The better feasible mix of greedy and LP rounding, or None."""
    picks = [_greedy_pick(p)] + ([] if lp.status != 0 else [_lp_rounding(p, model, lp.x)])
    feasible = [c for c in picks if c is not None and violation(p, c) is None]
    return max(feasible, key=lambda c: p.value[c].sum(), default=None)  # ties keep greedy's


def _lp_rounding(p: Problem, model: Model, x: np.ndarray, tries: int = 3) -> np.ndarray | None:
    """The LP solution rounded down and filled greedily. Rounding down keeps every upper bound but
    may break a minimum the LP met exactly; then the LP is solved again asking that much more."""
    lb = model.lb.copy()
    for _ in range(tries):
        floor = x > 1 - TOL
        if violation(p, mix := _greedy_pick(p, start=floor)) is None:
            return mix
        short = np.maximum(model.lb - model.matrix @ floor, 0.0)  # only minimum rows can fall short
        lb = np.where(short > TOL, lb + short, lb)
        if (lp := relaxation(p, model, lb)).status != 0:
            return None
        x = lp.x
    return None


# --- results and words ---------------------------------------------------------------------------


def _result(p, chosen, start, *, gap=0.0, status="optimal", message="", failure=None) -> Solution:
    """A Solution; `chosen` None = infeasible, with `failure` = (failure dict or None, message)."""
    if chosen is None:
        chosen, status, (failure, message) = np.zeros(p.cost.size, dtype=bool), "infeasible", failure
    picked = np.flatnonzero(chosen)
    return Solution(
        chosen=tuple(p.options[i].key for i in picked),
        status=status,
        objective=float(p.value[picked].sum()),
        spent=float(p.cost[picked].sum()),
        gap=float(min(gap, 1.0)),
        seconds=time.perf_counter() - start,
        message=message,
        failure=failure,
    )
