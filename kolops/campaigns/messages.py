"""Words for what the planning engines return as plain data: infeasibility, reasons, notes.

The engines stay free of Django and of languages; pages, the API and the CLI word their
results here, in the user's language.
"""

from decimal import Decimal

from django.utils.formats import number_format
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from kolops.core.money import format_money
from kolops.core.tiers import Tier
from kolops.kols.choices import Platform, RiskFlag

INELIGIBLE = {
    "blacklisted": gettext_lazy("the KOL is blacklisted"),
    "status": gettext_lazy("the KOL is paused"),
    "excluded": gettext_lazy("excluded from this campaign"),
    "platform": gettext_lazy("not on the campaign's platforms"),
    "category": gettext_lazy("no content category of the campaign"),
    "market": gettext_lazy("not in the campaign's markets"),
    "tier": gettext_lazy("not in the campaign's tiers"),
    "exclusivity": gettext_lazy("works with competitors (exclusivity asked)"),
    "no_rate": gettext_lazy("no current price for a wanted deliverable"),
    "over_fee": gettext_lazy("costs more than the maximum fee per KOL"),
    "not_found": gettext_lazy("not found or archived"),
}

NOTES = {
    "audience_unknown:age": gettext_lazy("No audience age data: counted as neutral."),
    "audience_unknown:gender": gettext_lazy("No audience gender data: counted as neutral."),
    "audience_unknown:region": gettext_lazy("No audience region data: counted as neutral."),
    "categories_unknown": gettext_lazy("The KOL has no content category: content fit is neutral."),
    "no_category_match": gettext_lazy("No content category of the campaign."),
    "er_unknown": gettext_lazy("No engagement rate: performance is neutral."),
    "er_not_comparable": gettext_lazy(
        "Engagement rate on views without average views: performance is neutral."
    ),
    "er_no_benchmark": gettext_lazy("No benchmark for this platform: performance is neutral."),
    "cost_no_peers": gettext_lazy("No peers of this tier to compare the cost with: neutral."),
    "no_expected_results": gettext_lazy("No expected results for the cost."),
    "no_history": gettext_lazy("No past bookings: reliability is neutral."),
    "no_shows": gettext_lazy("Did not deliver a past booking."),
    "growth_spike": gettext_lazy("Suspicious follower growth spike."),
}

BOUNDS = {
    "min_count": gettext_lazy("at least %(limit)s KOLs"),
    "max_count": gettext_lazy("at most %(limit)s KOLs"),
    "min_share": gettext_lazy("at least %(limit)s of the budget"),
    "max_share": gettext_lazy("at most %(limit)s of the budget"),
}


def ineligible_label(reason: str) -> str:
    return str(INELIGIBLE.get(reason, reason))


def note_label(note: str) -> str:
    """A fit note in words ("risk_flag:controversy" names the flag)."""
    if note.startswith("risk_flag:"):
        flag = note.split(":", 1)[1]
        label = RiskFlag(flag).label if flag in RiskFlag.values else flag
        return _("Risk: %(flag)s.") % {"flag": label}
    return str(NOTES.get(note, note))


def _group_label(kind: str, group: str) -> str:
    if kind == "tier":
        return _("Tier %(name)s") % {"name": Tier(group).label if group in Tier.values else group}
    if kind == "platform":
        return _("Platform %(name)s") % {"name": Platform(group).label if group in Platform.values else group}
    return _("Category %(name)s") % {"name": group}


def _limit_text(bound: str, limit) -> str:
    if bound.endswith("share") and isinstance(limit, int | float):
        return f"{limit * 100:g} %" if limit <= 1 else f"{limit:g} %"
    return str(limit)


def _failure_figures(failure: dict, bound: str, currency: str) -> list[str]:
    """The figures that show why a bound fails, in words."""

    def amount(value) -> str:
        if not currency:
            return _n(value)
        return format_money(Decimal(str(round(value))), currency, (get_language() or "en").lower())

    figures = []
    if "available" in failure and bound == "min_count":
        figures.append(_("Eligible candidates: %(n)s.") % {"n": failure["available"]})
    if "available" in failure and bound == "min_share":
        figures.append(
            _("Its eligible candidates cost %(amount)s in all.") % {"amount": amount(failure["available"])}
        )
    if "forced" in failure:
        figures.append(_("Must-include KOLs in it: %(n)s.") % {"n": failure["forced"]})
    if "forced_cost" in failure:
        figures.append(
            _("Its must-include KOLs cost %(amount)s.") % {"amount": amount(failure["forced_cost"])}
        )
    return figures


def plan_failure_message(solution, currency: str = "") -> str:
    """Why no mix satisfies the campaign, naming the constraint, in the active language."""
    failure = solution.failure or {}
    kind = failure.get("kind")
    if kind == "budget":
        return _("The minimums of the constraints cannot all be met within the budget (minus the reserve).")
    if kind == "must_include":
        if "channel" in failure:
            return _("Must-include channel %(channel)s cannot be planned: %(reason)s.") % {
                "channel": failure["channel"],
                "reason": ineligible_label(failure.get("reason", "not_found")),
            }
        return _("The must-include KOLs cost more than the budget (minus the reserve).")
    if kind == "kol":
        return _("Two must-include channels belong to the same KOL, and one channel per KOL is allowed.")
    if kind in ("tier", "platform", "category"):
        bound = failure.get("bound", "")
        wanted = str(BOUNDS.get(bound, bound)) % {"limit": _limit_text(bound, failure.get("limit"))}
        text = _("%(group)s: %(wanted)s cannot be met.") % {
            "group": _group_label(kind, str(failure.get("group"))),
            "wanted": wanted,
        }
        return " ".join([text, *_failure_figures(failure, bound, currency)])
    return solution.message or _("No mix of KOLs meets every constraint.")


def _n(value) -> str:
    return "—" if value is None else number_format(round(value), use_l10n=True, force_grouping=True)


def basis_text(basis: dict) -> dict[str, str]:
    """How a forecast's views, engagements and cost were reached, one sentence each."""
    views, engagements = basis.get("views", {}), basis.get("engagements", {})
    text = {}
    for key, part in (("views", views), ("engagements", engagements)):
        if not part:
            continue
        if part.get("own") is None:
            text[key] = _("Benchmark only: %(bench)s per piece (no own data).") % {
                "bench": _n(part.get("benchmark"))
            }
        else:
            text[key] = _(
                "Own %(own)s per piece over %(posts)s posts, shrunk toward the benchmark %(bench)s "
                "(counted as %(prior)s posts): %(per_piece)s per piece."
            ) % {
                "own": _n(part["own"]),
                "posts": _n(part.get("own_posts")),
                "bench": _n(part.get("benchmark")),
                "prior": _n(part.get("prior_posts")),
                "per_piece": _n(part.get("per_piece")),
            }
    cost = basis.get("cost", {})
    if cost:
        items = ", ".join(f"{i['count']} × {_n(i['price'])}" for i in cost.get("items", []))
        text["cost"] = _("Rate card: %(items)s") % {"items": items}
        if cost.get("exclusivity_premium"):
            text["cost"] += " " + _("+ %(p)s %% exclusivity") % {"p": _n(cost["exclusivity_premium"] * 100)}
    if "clicks" in basis:
        text["clicks"] = _("Views × click rate %(rate)s %%") % {
            "rate": f"{basis['clicks'].get('rate', 0) * 100:g}"
        }
    return text
