"""The optimizer picks the highest-value mix within the budget and the quotas, or names the rule that
cannot be met. Pure: no database.

The rules are checked here by an independent, brute-force implementation (`meets_rules`).
"""

from types import SimpleNamespace

import numpy as np
import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from kolops.campaigns.planning import optimizer, program
from kolops.campaigns.planning.optimizer import greedy, optimize
from kolops.campaigns.planning.records import CampaignSpec, Option, Quota, Settings

TIERS = ("nano", "micro", "macro")
PLATFORMS = ("tiktok", "youtube")
CATEGORIES = ("beauty", "food", "tech")
STATUSES = {"optimal", "time_limit", "infeasible"}
TOL = 1e-6

examples = hypothesis_settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)


def make_settings(**overrides) -> Settings:
    """Settings with dummy scoring tables: the optimizer reads only the time limit and the gap."""
    base = {
        "weights": {"awareness": {"audience": 1.0}},
        "er_benchmarks": {"tiktok": {"micro": 5.0}},
        "view_rates": {"tiktok": 0.1},
        "click_rates": {"tiktok": 0.01},
        "deliverable_view_factors": {"post": 1.0},
        "default_deliverables": {"tiktok": "video"},
    }
    return Settings(**(base | overrides))


def make_spec(budget: float = 0.0, **fields) -> CampaignSpec:
    return CampaignSpec(objective="awareness", currency="VND", budget=budget, **fields)


def option(key, value, cost, *, kol=None, tier="micro", platform="tiktok", categories=(), forced=False):
    return Option(
        key=key,
        value=float(value),
        cost=float(cost),
        kol_id=key if kol is None else kol,
        tier=tier,
        platform=platform,
        categories=frozenset(categories),
        forced=forced,
    )


# --- the rules, independently ---------------------------------------------------------------------


def meets_rules(options, budget, spec, subsets: np.ndarray) -> np.ndarray:
    """For each row of `subsets` (one column per option), whether that choice meets every rule."""
    cost = np.array([o.cost for o in options], dtype=float)
    ok = subsets @ cost <= budget + TOL
    for i, o in enumerate(options):
        if o.key in spec.exclude:
            ok &= ~subsets[:, i]
        if o.forced or o.key in spec.must_include:
            ok &= subsets[:, i] | (o.key in spec.exclude)
    if not spec.allow_multiple_channels_per_kol:
        for kol in {o.kol_id for o in options}:
            ok &= subsets[:, [o.kol_id == kol for o in options]].sum(axis=1) <= 1
    groups = [(quota, [o.tier == name for o in options]) for name, quota in spec.tier_quotas.items()] + [
        (quota, [o.platform == name for o in options]) for name, quota in spec.platform_quotas.items()
    ]
    groups += [
        (quota, [name in o.categories for o in options]) for name, quota in spec.category_quotas.items()
    ]
    for quota, member in groups:
        count = subsets[:, member].sum(axis=1)
        spend = subsets[:, member] @ cost[member]
        if quota.min_count is not None:
            ok &= count >= quota.min_count
        if quota.max_count is not None:
            ok &= count <= quota.max_count
        if quota.min_share is not None:
            ok &= spend >= quota.min_share * budget - TOL
        if quota.max_share is not None:
            ok &= spend <= quota.max_share * budget + TOL
    return ok


def brute_force(options, budget, spec) -> float | None:
    """The best value over every subset that meets every rule, or None when none does."""
    n = len(options)
    subsets = ((np.arange(2**n)[:, None] >> np.arange(n)) & 1).astype(bool)
    ok = meets_rules(options, budget, spec, subsets)
    value = np.array([o.value for o in options], dtype=float)
    return float((subsets[ok] @ value).max()) if ok.any() else None


def holds(options, budget, spec, solution) -> bool:
    """The solution's choice meets every rule, and its totals are those of the choice."""
    keys = [o.key for o in options]
    assert len(set(solution.chosen)) == len(solution.chosen)
    assert set(solution.chosen) <= set(keys)
    row = np.array([[key in solution.chosen for key in keys]], dtype=bool)
    chosen = [o for o in options if o.key in solution.chosen]
    assert solution.objective == pytest.approx(sum(o.value for o in chosen), abs=TOL)
    assert solution.spent == pytest.approx(sum(o.cost for o in chosen), abs=TOL)
    return bool(meets_rules(options, budget, spec, row)[0])


# --- random small instances ------------------------------------------------------------------------


def sometimes(values):
    """A bound one time in three, else None, so that most random instances stay feasible."""
    return st.integers(0, 2).flatmap(lambda k: values if k == 0 else st.none())


quotas = st.builds(
    Quota,
    min_count=sometimes(st.integers(0, 3)),
    max_count=sometimes(st.integers(0, 5)),
    min_share=sometimes(st.sampled_from([0.1, 0.2, 0.3, 0.5])),
    max_share=sometimes(st.sampled_from([0.2, 0.4, 0.6, 1.0])),
)


@st.composite
def instances(draw, max_options=12):
    """(options, plannable budget, spec) with up to 12 options, small integers and random quotas."""
    options = [
        option(
            100 + i,
            draw(st.integers(0, 1000)),
            draw(st.integers(0, 400)),
            kol=draw(st.integers(1, 6)),
            tier=draw(st.sampled_from(TIERS)),
            platform=draw(st.sampled_from(PLATFORMS)),
            categories=draw(st.sets(st.sampled_from(CATEGORIES), max_size=2)),
            forced=draw(st.integers(0, 24)) == 0,
        )
        for i in range(draw(st.integers(0, max_options)))
    ]
    some_keys = st.sets(st.sampled_from([o.key for o in options]), max_size=1) if options else st.just(set())
    budget = float(round(sum(o.cost for o in options) * draw(st.integers(10, 120)) / 100))  # 10–120 % of all
    spec = make_spec(
        budget,
        tier_quotas=draw(st.dictionaries(st.sampled_from(TIERS), quotas, max_size=2)),
        platform_quotas=draw(st.dictionaries(st.sampled_from(PLATFORMS), quotas, max_size=1)),
        category_quotas=draw(st.dictionaries(st.sampled_from(CATEGORIES), quotas, max_size=1)),
        allow_multiple_channels_per_kol=draw(st.booleans()),
        must_include=frozenset(draw(some_keys)),
        exclude=frozenset(draw(some_keys)),
    )
    return options, budget, spec


@examples
@given(instances())
def test_given_a_small_instance_when_solved_to_a_tiny_gap_then_the_objective_equals_brute_force(instance):
    options, budget, spec = instance
    best = brute_force(options, budget, spec)
    solution = optimize(options, budget=budget, spec=spec, settings=make_settings(mip_rel_gap=1e-9))
    assert (solution.status == "infeasible") == (best is None)
    if best is not None:
        assert solution.status == "optimal"
        assert solution.objective == pytest.approx(best, rel=1e-6, abs=1e-6)


@examples
@given(instances())
def test_given_the_default_gap_then_the_objective_is_within_a_tenth_of_a_percent_of_brute_force(instance):
    options, budget, spec = instance
    best = brute_force(options, budget, spec)
    solution = optimize(options, budget=budget, spec=spec, settings=make_settings())
    assert (solution.status == "infeasible") == (best is None)
    if best is not None:
        assert best * (1 - 0.001) - TOL <= solution.objective <= best + TOL


@examples
@given(instances())
def test_every_returned_mix_meets_every_rule(instance):
    options, budget, spec = instance
    solution = optimize(options, budget=budget, spec=spec, settings=make_settings())
    assert solution.status in STATUSES
    if solution.status == "infeasible":
        assert solution.chosen == ()
        assert solution.failure is not None and solution.message
    else:
        assert holds(options, budget, spec, solution)
        assert solution.gap >= 0


@examples
@given(instances())
def test_given_greedy_is_feasible_then_the_optimizer_is_never_below_it(instance):
    options, budget, spec = instance
    heuristic = greedy(options, budget=budget, spec=spec)
    solution = optimize(options, budget=budget, spec=spec, settings=make_settings())
    if heuristic.status == "optimal":
        assert solution.status != "infeasible"
        assert solution.objective >= heuristic.objective - TOL


@examples
@given(instances())
def test_greedy_meets_every_rule_it_reports_as_met(instance):
    options, budget, spec = instance
    heuristic = greedy(options, budget=budget, spec=spec)
    assert heuristic.status in {"optimal", "infeasible"}
    if heuristic.status == "optimal":
        assert heuristic.gap == 0
        assert holds(options, budget, spec, heuristic)
    else:
        assert heuristic.chosen == () and heuristic.failure is not None
        # A greedy may miss a feasible mix, but only by leaving a minimum unmet.
        unmet_minimum = heuristic.failure.get("bound", "").startswith("min")
        assert unmet_minimum or brute_force(options, budget, spec) is None


# --- greedy ----------------------------------------------------------------------------------------


def test_greedy_fills_a_tiers_min_count_before_options_with_a_better_ratio():
    options = [
        option(1, 100, 10),
        option(2, 90, 10),
        option(3, 20, 10, tier="macro"),
        option(4, 15, 10, tier="macro"),
    ]
    spec = make_spec(20, tier_quotas={"macro": Quota(min_count=1)})
    heuristic = greedy(options, budget=20, spec=spec)
    assert heuristic.status == "optimal"
    assert set(heuristic.chosen) == {1, 3}


def test_greedy_takes_free_options_first_and_then_the_best_value_per_cost():
    options = [option(1, 10, 5), option(2, 1, 0), option(3, 30, 10), option(4, 9, 4)]
    heuristic = greedy(options, budget=14, spec=make_spec(14))
    assert heuristic.chosen == (2, 3, 4)  # input order; 1 no longer fits


# --- infeasible instances name their constraint -----------------------------------------------------


def test_when_a_tier_needs_more_kols_than_it_has_candidates_then_that_minimum_is_named():
    options = [option(1, 10, 10, tier="macro"), option(2, 10, 10), option(3, 10, 10)]
    spec = make_spec(1_000, tier_quotas={"macro": Quota(min_count=3)})
    solution = optimize(options, budget=1_000, spec=spec, settings=make_settings())
    assert solution.status == "infeasible" and solution.chosen == ()
    assert solution.failure == {
        "kind": "tier",
        "group": "macro",
        "bound": "min_count",
        "limit": 3,
        "available": 1,
    }
    assert solution.message == "Tier macro needs at least 3 KOLs but only 1 candidate is eligible."


def test_when_must_include_kols_cost_more_than_the_budget_then_must_include_is_named():
    options = [option(1, 10, 700, forced=True), option(2, 10, 534), option(3, 10, 5)]
    spec = make_spec(1_000, must_include=frozenset({2}))
    solution = optimize(options, budget=1_000, spec=spec, settings=make_settings())
    assert solution.status == "infeasible"
    assert solution.failure["kind"] == "must_include"
    assert solution.message == "The must-include KOLs cost 1,234 but the budget is 1,000."


def test_when_a_min_share_cannot_be_reached_then_that_share_is_named():
    options = [option(1, 10, 100, platform="youtube"), option(2, 10, 900)]
    spec = make_spec(1_000, platform_quotas={"youtube": Quota(min_share=0.3)})
    solution = optimize(options, budget=1_000, spec=spec, settings=make_settings())
    assert solution.status == "infeasible"
    assert solution.failure == {
        "kind": "platform",
        "group": "youtube",
        "bound": "min_share",
        "limit": 0.3,
        "available": 100.0,
    }
    assert "30% of the budget (300)" in solution.message


def test_when_two_minimums_together_exceed_the_budget_then_a_failure_is_named():
    options = [option(i, 10, 100, tier="macro") for i in range(1, 5)]
    options += [option(i, 10, 60, tier="micro") for i in range(5, 11)]
    spec = make_spec(500, tier_quotas={"macro": Quota(min_count=3), "micro": Quota(min_count=5)})
    solution = optimize(options, budget=500, spec=spec, settings=make_settings())
    assert solution.status == "infeasible"
    assert solution.failure["kind"] in {"budget", "tier"}
    assert solution.message == "The minimums cannot all be met within the budget of 500."


def test_when_a_minimum_clashes_with_another_groups_maximum_then_the_minimum_is_named():
    options = [
        option(1, 10, 10, tier="macro"),
        option(2, 10, 10, tier="macro"),
        option(3, 10, 10, tier="nano", platform="youtube"),
    ]
    spec = make_spec(
        100, tier_quotas={"macro": Quota(min_count=2)}, platform_quotas={"tiktok": Quota(max_count=1)}
    )
    solution = optimize(options, budget=100, spec=spec, settings=make_settings())
    assert solution.status == "infeasible"
    assert solution.failure == {"kind": "tier", "group": "macro", "bound": "min_count", "limit": 2}
    assert solution.message == "Tier macro needs at least 2 KOLs, which the other constraints do not allow."


def test_when_two_must_include_channels_belong_to_one_kol_then_the_kol_rule_is_named():
    options = [option(1, 10, 10, kol=7, forced=True), option(2, 10, 10, kol=7, forced=True)]
    solution = optimize(options, budget=100, spec=make_spec(100), settings=make_settings())
    assert solution.status == "infeasible"
    assert solution.failure == {"kind": "kol", "kol_id": 7}


def test_when_must_include_kols_exceed_a_max_count_then_that_maximum_is_named():
    options = [option(1, 10, 10, tier="mega", forced=True), option(2, 10, 10, tier="mega", forced=True)]
    spec = make_spec(100, tier_quotas={"mega": Quota(max_count=1)})
    solution = optimize(options, budget=100, spec=spec, settings=make_settings())
    assert solution.failure == {
        "kind": "tier",
        "group": "mega",
        "bound": "max_count",
        "limit": 1,
        "forced": 2,
    }


def test_when_a_quotas_minimum_exceeds_its_maximum_then_the_minimum_is_named():
    options = [option(i, 10, 10, tier="macro") for i in range(5)]
    spec = make_spec(100, tier_quotas={"macro": Quota(min_count=3, max_count=2)})
    solution = optimize(options, budget=100, spec=spec, settings=make_settings())
    assert solution.failure == {"kind": "tier", "group": "macro", "bound": "min_count", "limit": 3}
    assert solution.message == "Tier macro needs at least 3 KOLs but allows at most 2 KOLs."


# --- edges -----------------------------------------------------------------------------------------


def test_given_no_options_then_nothing_is_chosen_and_the_mix_is_optimal():
    solution = optimize([], budget=1_000, spec=make_spec(1_000), settings=make_settings())
    assert (solution.status, solution.chosen, solution.objective) == ("optimal", (), 0.0)
    assert solution.message == "" and solution.failure is None


def test_given_no_options_and_a_minimum_then_the_minimum_is_named():
    spec = make_spec(1_000, category_quotas={"food": Quota(min_count=1)})
    solution = optimize([], budget=1_000, spec=spec, settings=make_settings())
    assert solution.status == "infeasible"
    assert solution.failure["group"] == "food"


def test_given_a_zero_budget_then_only_free_options_are_chosen():
    options = [option(1, 10, 0), option(2, 50, 1), option(3, 5, 0)]
    solution = optimize(options, budget=0, spec=make_spec(0), settings=make_settings())
    assert solution.status == "optimal"
    assert solution.chosen == (1, 3) and solution.spent == 0


def test_excluded_options_are_dropped_even_when_passed_and_spec_must_include_forces():
    options = [option(1, 100, 10), option(2, 1, 10), option(3, 50, 10)]
    spec = make_spec(20, exclude=frozenset({1}), must_include=frozenset({2}))
    solution = optimize(options, budget=20, spec=spec, settings=make_settings())
    assert solution.chosen == (2, 3)


def test_at_most_one_channel_per_kol_unless_several_are_allowed():
    options = [option(1, 10, 1, kol=5), option(2, 9, 1, kol=5), option(3, 1, 1, kol=6)]
    one = optimize(options, budget=10, spec=make_spec(10), settings=make_settings())
    several = make_spec(10, allow_multiple_channels_per_kol=True)
    assert one.chosen == (1, 3)
    assert optimize(options, budget=10, spec=several, settings=make_settings()).chosen == (1, 2, 3)


# --- the solver's limits ------------------------------------------------------------------------------

# Greedy and rounding both take the 19 (ratio 2.1) and stop; the best is 10 + 10 within 10.
KNAPSACK = [option(1, 10, 5), option(2, 10, 5), option(3, 19, 9)]


def test_given_a_knapsack_greedy_misses_then_the_optimizer_finds_the_best_mix():
    solution = optimize(KNAPSACK, budget=10, spec=make_spec(10), settings=make_settings())
    assert greedy(KNAPSACK, budget=10, spec=make_spec(10)).objective == 19
    assert (solution.status, solution.chosen, solution.objective) == ("optimal", (1, 2), 20)
    assert solution.gap == pytest.approx(0, abs=0.001)


def fake_milp(x, status):
    return lambda c, **_: SimpleNamespace(
        x=None if x is None else np.full(len(c), x, dtype=float),
        status=status,
        mip_gap=None,
        mip_dual_bound=None,
        message="stopped",
    )


def test_when_the_solver_stops_with_a_worse_mix_then_the_greedy_mix_is_returned(monkeypatch):
    monkeypatch.setattr(program, "milp", fake_milp(0.0, status=1))
    solution = optimize(KNAPSACK, budget=10, spec=make_spec(10), settings=make_settings())
    assert (solution.status, solution.chosen, solution.objective) == ("time_limit", (3,), 19)
    assert solution.gap == pytest.approx(21 / 19 - 1)  # against the LP bound 19 + 10 · 1/5
    assert (
        solution.message == "Stopped at the time limit of 2 s; the mix is within 10.53% of the best possible."
    )


def test_when_the_solver_finds_no_mix_in_time_then_the_greedy_mix_is_returned(monkeypatch):
    monkeypatch.setattr(program, "milp", fake_milp(None, status=1))
    solution = optimize(KNAPSACK, budget=10, spec=make_spec(10), settings=make_settings())
    assert (solution.status, solution.chosen) == ("time_limit", (3,))


def test_when_no_mix_is_found_in_time_and_greedy_fails_too_then_the_result_says_so(monkeypatch):
    # Greedy takes the best ratio (1) and then cannot fit a second macro; 2 + 3 would do.
    options = [option(1, 60, 6, tier="macro"), option(2, 5, 5, tier="macro"), option(3, 4, 4, tier="macro")]
    spec = make_spec(9, tier_quotas={"macro": Quota(min_count=2)})
    monkeypatch.setattr(program, "milp", fake_milp(None, status=1))
    monkeypatch.setattr(optimizer, "_lp_rounding", lambda *_: None)  # it would find 2 + 3
    solution = optimize(options, budget=9, spec=spec, settings=make_settings(time_limit_seconds=0.5))
    assert (solution.status, solution.chosen, solution.failure) == ("infeasible", (), None)
    assert solution.message == "No feasible mix was found before the time limit of 0.5 s."


def random_options(n: int, seed: int) -> list[Option]:
    """Channels like the demo data: log-normal prices, value roughly proportional to price."""
    rng = np.random.default_rng(seed)
    cost = rng.lognormal(16, 1, n)
    value = cost / 1_000 * rng.lognormal(0, 0.3, n)
    return [
        option(
            i,
            value[i],
            cost[i],
            kol=int(rng.integers(0, n * 0.6)),
            tier=TIERS[rng.integers(3)],
            platform=PLATFORMS[rng.integers(2)],
            categories=rng.choice(CATEGORIES, size=2, replace=False),
        )
        for i in range(n)
    ]


QUOTAS = {
    "macro": Quota(min_count=3, max_share=0.5),
    "micro": Quota(min_count=10),
    "nano": Quota(max_count=60),
}


def test_given_a_tiny_time_limit_then_the_contract_still_holds():
    # A small budget leaves the rounded LP mix about 0.6 % short, so HiGHS is asked and cut off.
    options = random_options(400, seed=2)
    spec = make_spec(3e8, tier_quotas=QUOTAS, platform_quotas={"youtube": Quota(min_share=0.4)})
    solution = optimize(options, budget=3e8, spec=spec, settings=make_settings(time_limit_seconds=0.001))
    assert solution.status in STATUSES
    if solution.chosen:
        assert holds(options, 3e8, spec, solution)
        assert 0 <= solution.gap <= 1
    else:
        assert solution.message


def test_a_larger_instance_solves_to_the_default_gap():
    options = random_options(2_000, seed=1)
    spec = make_spec(5e9, tier_quotas=QUOTAS)
    solution = optimize(options, budget=5e9, spec=spec, settings=make_settings())
    assert solution.status == "optimal"
    assert solution.gap <= 0.001
    assert holds(options, 5e9, spec, solution)
    assert solution.objective >= greedy(options, budget=5e9, spec=spec).objective
