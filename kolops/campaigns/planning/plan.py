"""The planning pipeline: filter, forecast and score every candidate, then choose the mix.

    candidates ──hard filters──► eligible ──forecast (cost, views, engagements, clicks)──►
    costed ──fit score (parts against the pool's tier medians)──► options ──MILP + greedy──► plan

Pure: plain data in (`records.Candidate`, `records.CampaignSpec`, `records.Settings`), plain
data out. The service in `campaigns.planning_service` loads the candidates and stores the result.
"""

from collections import Counter
from dataclasses import dataclass, replace

from . import matching, optimizer
from .forecast import forecast
from .records import CampaignSpec, Candidate, FitScore, Forecast, Option, Settings, Solution

# Why a candidate took no part, beside matching's hard-filter reasons.
NO_RATE = "no_rate"  # no current price for a wanted deliverable
OVER_FEE = "over_fee"  # costs more than the campaign's maximum fee per KOL


@dataclass(frozen=True)
class Scored:
    """An eligible, costed candidate with its forecast, fit and the value the optimizer weighs."""

    candidate: Candidate
    forecast: Forecast
    fit: FitScore
    value: float


@dataclass(frozen=True)
class Scoring:
    """Every eligible candidate scored (best value first), and how many were left out, why."""

    scored: tuple[Scored, ...]
    ineligible: dict[str, int]
    # must-include channels that cannot take part: channel id → reason
    blocked_must_include: dict[int, str]


@dataclass(frozen=True)
class PlanOutcome:
    """A plan: the scoring, the optimizer's mix and greedy's beside it."""

    scoring: Scoring
    solution: Solution
    greedy: Solution
    plannable_budget: float
    reserve: float

    def chosen(self) -> list[Scored]:
        """The chosen candidates, best value first."""
        keys = set(self.solution.chosen)
        return [s for s in self.scoring.scored if s.candidate.channel_id in keys]


def budget_split(spec: CampaignSpec) -> tuple[float, float]:
    """(plannable budget, reserve): the reserve is kept back from the optimizer."""
    reserve = spec.budget * spec.reserve_share
    return spec.budget - reserve, reserve


def score_all(
    candidates: list[Candidate],
    spec: CampaignSpec,
    settings: Settings,
    ineligible: dict[str, int] | None = None,
) -> Scoring:
    """Filter, forecast and score `candidates` for `spec`; `ineligible` counts channels the caller
    left out already (by reason), which the scoring reports with its own."""
    ineligible: Counter[str] = Counter(ineligible or {})
    blocked: dict[int, str] = {}
    costed: list[tuple[Candidate, Forecast]] = []
    for candidate in candidates:
        reason = matching.ineligible_reason(candidate, spec)
        expected = None if reason else forecast(candidate, spec, settings)
        if not reason and expected is None:
            reason = NO_RATE
        elif (
            not reason and candidate.channel_id not in spec.must_include and matching.over_fee(expected, spec)
        ):
            reason = OVER_FEE
        if reason:
            ineligible[reason] += 1
            if candidate.channel_id in spec.must_include:
                blocked[candidate.channel_id] = reason
            continue
        costed.append((candidate, expected))
    medians = matching.tier_medians(costed)
    scored = []
    for candidate, expected in costed:
        fit = matching.score(candidate, spec, settings, expected, medians)
        scored.append(
            Scored(candidate, expected, fit, matching.objective_value(expected, fit, spec.objective))
        )
    scored.sort(key=lambda s: (-s.value, s.forecast.cost, s.candidate.channel_id))
    return Scoring(tuple(scored), dict(ineligible), blocked)


def options_of(scoring: Scoring, spec: CampaignSpec) -> list[Option]:
    """The optimizer's view of the scored candidates."""
    return [
        Option(
            key=s.candidate.channel_id,
            value=s.value,
            cost=s.forecast.cost,
            kol_id=s.candidate.kol_id,
            tier=s.candidate.tier,
            platform=s.candidate.platform,
            categories=s.candidate.categories,
            forced=s.candidate.channel_id in spec.must_include,
        )
        for s in scoring.scored
    ]


def _blocked_solution(channel_id: int, reason: str) -> Solution:
    return Solution(
        chosen=(),
        status="infeasible",
        objective=0.0,
        spent=0.0,
        gap=0.0,
        seconds=0.0,
        message=f"Must-include channel {channel_id} cannot be planned ({reason}).",
        failure={"kind": "must_include", "channel": channel_id, "reason": reason},
    )


def plan(
    candidates: list[Candidate],
    spec: CampaignSpec,
    settings: Settings,
    ineligible: dict[str, int] | None = None,
) -> PlanOutcome:
    """Score every candidate and choose the mix with the highest expected outcome × fit."""
    plannable, reserve = budget_split(spec)
    scoring = score_all(candidates, spec, settings, ineligible)
    missing = spec.must_include - {s.candidate.channel_id for s in scoring.scored}
    if missing:
        channel_id = min(missing)
        reason = scoring.blocked_must_include.get(channel_id, "not_found")
        failed = _blocked_solution(channel_id, reason)
        return PlanOutcome(scoring, failed, failed, plannable, reserve)
    options = options_of(scoring, spec)
    solution = optimizer.optimize(options, budget=plannable, spec=spec, settings=settings)
    greedy = optimizer.greedy(options, budget=plannable, spec=spec)
    return PlanOutcome(scoring, solution, greedy, plannable, reserve)


def alternatives(scoring: Scoring, *, tier: str, taken: set[int], limit: int) -> list[Scored]:
    """The best-valued candidates of `tier` not already `taken` (channel ids): swap options."""
    found = []
    for s in scoring.scored:
        if s.candidate.tier == tier and s.candidate.channel_id not in taken:
            found.append(s)
            if len(found) == limit:
                break
    return found


def with_must_include(spec: CampaignSpec, channel_ids: set[int]) -> CampaignSpec:
    """`spec` with more must-include channels (hand-picked channels bypass the filters)."""
    return replace(spec, must_include=spec.must_include | frozenset(channel_ids))
