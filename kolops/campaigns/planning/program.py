"""The optimizer's programme: the options as arrays, the constraint rows, the solver calls, and
the checks and words every part of the optimizer shares (see `optimizer` for the rules)."""

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, linprog, milp

from .records import CampaignSpec, Option, Quota

TOL = 1e-6  # slack on money and counts, in line with HiGHS's feasibility tolerance
BOUNDS = ("min_count", "min_share", "max_count", "max_share")

Failure = tuple[dict | None, str]  # (Solution.failure, Solution.message)


@dataclass(frozen=True)
class Group:
    kind: str  # tier | platform | category
    name: str
    quota: Quota
    members: np.ndarray  # option indices

    @property
    def label(self) -> str:
        return f"{self.kind.capitalize()} {self.name}"


@dataclass(frozen=True)
class Problem:
    options: tuple[Option, ...]
    value: np.ndarray
    cost: np.ndarray
    kol: np.ndarray
    forced: np.ndarray  # bool
    groups: tuple[Group, ...]
    one_per_kol: bool
    budget: float


@dataclass(frozen=True)
class Model:
    """The rows lb ≤ matrix·x ≤ ub, each tagged with the family the deletion filter may drop."""

    matrix: sparse.csr_array
    lb: np.ndarray
    ub: np.ndarray
    family: tuple[tuple[str, ...], ...]  # ("budget",), ("kol",) or (kind, group, bound), per row


def prepare(options: Sequence[Option], budget: float, spec: CampaignSpec) -> Problem:
    kept = tuple(o for o in options if o.key not in spec.exclude)
    quotas = (
        ("tier", spec.tier_quotas),
        ("platform", spec.platform_quotas),
        ("category", spec.category_quotas),
    )
    groups = tuple(
        Group(
            kind, name, quota, np.array([i for i, o in enumerate(kept) if in_group(o, kind, name)], dtype=int)
        )
        for kind, by_name in quotas
        for name, quota in by_name.items()
    )
    return Problem(
        options=kept,
        value=np.array([o.value for o in kept], dtype=float),
        cost=np.array([o.cost for o in kept], dtype=float),
        kol=np.array([o.kol_id for o in kept], dtype=np.int64),
        forced=np.array([o.forced or o.key in spec.must_include for o in kept], dtype=bool),
        groups=groups,
        one_per_kol=not spec.allow_multiple_channels_per_kol,
        budget=float(budget),
    )


def in_group(option: Option, kind: str, name: str) -> bool:
    return name in option.categories if kind == "category" else getattr(option, kind) == name


def rhs_of(p: Problem, g: Group, bound: str, default=None):
    """A quota bound as a right-hand side: a count, or a share turned into money."""
    limit = getattr(g.quota, bound)
    if limit is None:
        return default
    return limit * p.budget if bound.endswith("share") else float(limit)


def build_model(p: Problem) -> Model:
    """Budget row, one row per quota bound, one row per KOL with several channels."""
    family, rows, cols, coefs = [("budget",)], [np.zeros(p.cost.size)], [np.arange(p.cost.size)], [p.cost]
    lbs, ubs = [-np.inf], [p.budget]
    for g in p.groups:
        for bound in (b for b in BOUNDS if getattr(g.quota, b) is not None):
            family.append((g.kind, g.name, bound))
            rows.append(np.full(g.members.size, len(family) - 1))
            cols.append(g.members)
            coefs.append(p.cost[g.members] if bound.endswith("share") else np.ones(g.members.size))
            low = bound.startswith("min")
            lbs.append(rhs_of(p, g, bound) if low else -np.inf)
            ubs.append(np.inf if low else rhs_of(p, g, bound))
    if p.one_per_kol:
        _, inverse, counts = np.unique(p.kol, return_inverse=True, return_counts=True)
        shared = np.flatnonzero(counts[inverse] > 1)  # a KOL with one channel needs no row
        kols, row = np.unique(inverse[shared], return_inverse=True)
        rows.append(row + len(family))
        family.extend([("kol",)] * kols.size)
        cols.append(shared)
        coefs.append(np.ones(shared.size))
        lbs.extend([-np.inf] * kols.size)
        ubs.extend([1.0] * kols.size)
    entries = (np.concatenate(coefs), (np.concatenate(rows), np.concatenate(cols)))
    matrix = sparse.csr_array(entries, shape=(len(family), p.cost.size))
    return Model(matrix, np.array(lbs, dtype=float), np.array(ubs, dtype=float), tuple(family))


def solve_milp(value, lower, matrix, lb, ub, *, time_limit: float, gap: float, presolve: bool):
    return milp(
        -value,  # milp minimises
        integrality=np.ones(value.size),
        bounds=Bounds(lower.astype(float), np.ones(value.size)),
        constraints=[LinearConstraint(matrix, lb, ub)],
        options={
            "time_limit": max(time_limit, 0.001),
            "mip_rel_gap": gap,
            "disp": False,
            "presolve": presolve,
        },
    )


def relaxation(p: Problem, model: Model, lb: np.ndarray | None = None):
    """The LP relaxation (`lb` may tighten the rows), by linprog: milp does not report reduced costs."""
    lb = model.lb if lb is None else lb
    up, low = np.isfinite(model.ub), np.isfinite(lb)
    a_ub = sparse.vstack([model.matrix[up], -model.matrix[low]]).tocsr()
    bounds = np.column_stack([p.forced.astype(float), np.ones(p.cost.size)])
    return linprog(-p.value, A_ub=a_ub, b_ub=np.concatenate([model.ub[up], -lb[low]]), bounds=bounds)


def rel_gap(bound: float, value: float) -> float:
    if value > 0:
        return max(0.0, (bound - value) / value)
    return 0.0 if bound <= value + TOL else np.inf


def fail(g: Group, bound: str) -> dict:
    return {"kind": g.kind, "group": g.name, "bound": bound, "limit": getattr(g.quota, bound)}


def violation(p: Problem, chosen: np.ndarray) -> Failure | None:
    """The first bound the mix breaks (one-per-KOL and forced hold by construction)."""
    if (spent := float(p.cost[chosen].sum())) > p.budget + TOL:
        return {"kind": "budget", "limit": p.budget}, f"The mix costs {money(spent)}, over the budget."
    for g in p.groups:
        picked = g.members[chosen[g.members]]
        for bound in (b for b in BOUNDS if getattr(g.quota, b) is not None):
            used, rhs = p.cost[picked].sum() if bound.endswith("share") else picked.size, rhs_of(p, g, bound)
            if (used < rhs - TOL) if bound.startswith("min") else (used > rhs + TOL):
                return fail(g, bound), f"{g.label} {needs(g, bound, p)}."
    return None


def needs(g: Group, bound: str, p: Problem) -> str:
    """ "needs at least 3 KOLs", "allows at most 20% of the budget (200)"."""
    limit, verb = getattr(g.quota, bound), "needs at least" if bound.startswith("min") else "allows at most"
    if bound.endswith("count"):
        return f"{verb} {plural(limit, 'KOL')}"
    return f"{verb} {limit * 100:.4g}% of the budget ({money(rhs_of(p, g, bound))})"


def plural(count: int, word: str) -> str:
    return f"{count:,} {word}" + ("" if count == 1 else "s")


def is_are(count: int) -> str:
    return "is" if count == 1 else "are"


def money(amount: float) -> str:
    return f"{amount:,.0f}" if abs(amount - round(amount)) < 0.005 else f"{amount:,.2f}"
