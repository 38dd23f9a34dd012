"""The labels of a run's codes in one language: what the localised JSON puts beside each code.

Tiers are named by the run's own tier scheme (a plug-in model may have its own tiers); every other
code — subgroups, profiles, badges, risk flags, provinces, levels, peer groups, pillars, indicators —
by the label catalog (:mod:`scoring_models.labels`, through :mod:`app.i18n`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from app.i18n import LabelSet, Language, label, localized
from app.services.matrix import ZoneFilter
from app.services.run_document import Methodology
from app.texts import text


def scope_text(zone_filter: ZoneFilter, lang: Language) -> str:
    """Which zones a run covers, in words: its provinces (all of them when not filtered), level and named zones,
    so a province's run is not mistaken for a national one."""
    separator = text("list_separator", lang)
    parts = [separator.join(label(LabelSet.PROVINCES, p, lang) for p in zone_filter.provinces)
             or text("all_provinces", lang)]
    if zone_filter.level is not None:
        parts.append(label(LabelSet.LEVELS, zone_filter.level.value, lang))
    if zone_filter.zones:
        parts.append(text("named_zones", lang).format(n=len(zone_filter.zones)))
    return " · ".join(parts)


def highlight_sentence(name: str, delta: float, lang: Language) -> str:
    """A strength or weakness in words, e.g. "R&D经费投入强度高于同类组中位数 23.4 分"."""
    return text("highlight_above" if delta >= 0 else "highlight_below", lang).format(name=name, delta=abs(delta))


@dataclass(frozen=True)
class RunLabels:
    """Labels of one run's codes in ``lang``."""

    lang: Language
    tiers: dict[str, str]
    pillars: dict[str, str]
    indicators: dict[str, str]

    @classmethod
    def of(cls, methodology: Methodology, lang: Language) -> RunLabels:
        """The labels for a run with ``methodology``."""
        return cls(lang=lang, tiers=methodology.tier_names(lang), pillars=methodology.pillar_names(lang),
                   indicators={i.code: localized(i.name_zh, i.name_en, lang) for i in methodology.indicators})

    def _label(self, label_set: LabelSet, code: str | None) -> str | None:
        return None if code is None else label(label_set, code, self.lang)

    def tier(self, code: str | None) -> str | None:
        """The tier's name (the run's scheme first, then the catalog)."""
        if code is None:
            return None
        return self.tiers.get(code) or label(LabelSet.TIERS, code, self.lang)

    def subgroup(self, code: str | None) -> str | None:
        """The ± subgroup's name (上段 / 中段 / 下段); None without a subgroup."""
        return self._label(LabelSet.SUBGROUPS, code)

    def profile(self, code: str | None) -> str | None:
        """The profile's name (创新高峰型 …)."""
        return self._label(LabelSet.PROFILES, code)

    def province(self, code: str | None) -> str | None:
        """The province's name (浙江省 / Zhejiang)."""
        return self._label(LabelSet.PROVINCES, code)

    def level(self, code: str | None) -> str | None:
        """The level's name (国家级 / National)."""
        return self._label(LabelSet.LEVELS, code)

    def peer_group(self, code: str | None) -> str | None:
        """The peer group read as words (营收1档·国家级研发平台0档)."""
        return self._label(LabelSet.PEER_GROUPS, code)

    def badges(self, codes: Iterable[str]) -> list[str]:
        """The badges' names, in the order of ``codes``."""
        return [label(LabelSet.BADGES, c, self.lang) for c in codes]

    def risk_flags(self, codes: Iterable[str]) -> list[str]:
        """The risk flags' names, in the order of ``codes``."""
        return [label(LabelSet.RISK_FLAGS, c, self.lang) for c in codes]

    def pillar(self, code: str) -> str:
        """The pillar's name as the model names it (the catalog's otherwise)."""
        return self.pillars.get(code) or label(LabelSet.PILLARS, code, self.lang)

    def indicator(self, code: str) -> str:
        """The indicator's label, else its name as the run's methodology gives it, else its code."""
        return label(LabelSet.INDICATORS, code, self.lang, default=self.indicators.get(code, code))
