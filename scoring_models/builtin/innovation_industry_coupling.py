"""``innovation-industry-coupling`` — do innovation and industry develop together (耦合协调度)?

What it measures: an innovation subsystem U₁ (R&D intensity and staff, invention patents,
technology contracts, high-tech enterprises, new products, national R&D platforms) and an
industry subsystem U₂ (revenue, value added, taxes, exports, labour productivity, profit margin,
the leading chain's share), each the weighted mean of its min-max scaled indicators (0–1) with
entropy weights inside the subsystem, as Chinese coupling studies weigh them. From them: the
coupling degree C = 2√(U₁U₂)/(U₁+U₂), the comprehensive development T = 0.5 U₁ + 0.5 U₂ and the
coupling coordination degree D = √(C·T); zones are ranked by D and graded in the customary ten
classes from 极度失调 (D < 0.1) to 优质协调 (D ≥ 0.9), with the subsystem that lags (创新滞后型 when
U₁ < U₂ − 0.1, 产业滞后型 when U₂ < U₁ − 0.1, else 同步发展型).
Why: the article says innovation and industry must develop together (创新和产业需要融合发展); a
big zone whose innovation lags its industry is the 产业高原 the article warns of, and D shows it
where a weighted sum would let one subsystem make up for the other.
No Monte Carlo interval: D is not a weighted mean, so weight noise does not describe its
uncertainty. Sources: the coupling coordination model of Chinese regional studies (e.g. 廖重斌
1999); domain brief sections 1 and 3.
"""

from __future__ import annotations

from scoring_models.pipeline import build_model
from scoring_models.spec import ModelSpec, catalog_tiers
from scoring_models.steps.coupling import GRADE_CODES

SPEC = ModelSpec.model_validate(
    {
        "key": "innovation-industry-coupling",
        "version": "1.0.0",
        "title_zh": "创新—产业耦合协调评价",
        "title_en": "Innovation–industry coupling coordination",
        "description": __doc__,
        "pillars": [
            {"code": "innovation", "name_zh": "创新子系统", "name_en": "Innovation subsystem", "weight": 1},
            {"code": "industry", "name_zh": "产业子系统", "name_en": "Industry subsystem", "weight": 1},
        ],
        "indicators": [
            {"code": "rd_intensity", "pillar": "innovation"},
            {"code": "rd_staff_share", "pillar": "innovation"},
            {"code": "invention_patents_per_10k", "pillar": "innovation"},
            {"code": "tech_contract_per_capita", "pillar": "innovation"},
            {"code": "hte_count", "pillar": "innovation"},
            {"code": "new_product_share", "pillar": "innovation"},
            {"code": "national_rd_platforms", "pillar": "innovation"},
            {"code": "revenue", "pillar": "industry"},
            {"code": "value_added", "pillar": "industry"},
            {"code": "tax", "pillar": "industry"},
            {"code": "exports", "pillar": "industry"},
            {"code": "labour_productivity", "pillar": "industry"},
            {"code": "profit_margin", "pillar": "industry"},
            {"code": "leading_chain_share", "pillar": "industry"},
        ],
        "imputation": {"method": "last_observed"},
        "weighting": {"method": "entropy"},
        "composite": {
            "method": "coupling",
            "coupling": {"innovation_pillar": "innovation", "industry_pillar": "industry"},
        },
        "tiers": {
            "basis": "composite",
            "thresholds": [90, 80, 70, 60, 50, 40, 30, 20, 10],
            "tiers": [t.model_dump() for t in catalog_tiers(GRADE_CODES[::-1])],
            "subgroups": False,
        },
        "uncertainty": {"enabled": False},
    }
)

MODEL = build_model(SPEC)
