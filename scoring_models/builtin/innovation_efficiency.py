"""``innovation-efficiency`` — how much innovation a zone gets from its inputs (DEA 创新效率).

What it measures: innovation efficiency by data envelopment analysis, input-oriented, of two
inputs — R&D expenditure (R&D经费内部支出) and R&D staff (R&D人员全时当量) — and three outputs —
invention patents granted, technology-contract turnover and new-product revenue. Each zone gets
its CCR efficiency (constant returns: overall technical efficiency), BCC efficiency (variable
returns: pure technical efficiency), scale efficiency CCR/BCC and its returns to scale; the
efficient zones are ranked among themselves by Andersen–Petersen super-efficiency. The slacks
say what would bring a zone to the frontier ("−12% R&D staff, +8% invention patents"), against
the efficient zones it is compared with (its peers). Tiers: DEA有效 (efficiency 1), 接近有效
(0.8–1), 中度低效 (0.6–0.8), 低效 (< 0.6).
Why: "以创新实力论英雄" and the article's 创新成效 judge what innovation achieves, and a zone that
spends much and produces little should not rank with one that produces as much from less.
Zones missing an input or output are not assessed (no imputation: efficiency from reported data
only). No Monte Carlo interval: DEA chooses its own weights. Sources: Cooper, Seiford & Tone,
*Data Envelopment Analysis* (2nd ed., 2007), ch. 3–4 and 10; Andersen & Petersen (1993);
domain brief sections 1 and 3.
"""

from __future__ import annotations

from scoring_models.pipeline import build_model
from scoring_models.spec import ModelSpec, catalog_tiers

SPEC = ModelSpec.model_validate(
    {
        "key": "innovation-efficiency",
        "version": "1.0.0",
        "title_zh": "创新效率评价（DEA）",
        "title_en": "Innovation efficiency (DEA)",
        "description": __doc__,
        "pillars": [
            {"code": "inputs", "name_zh": "创新投入", "name_en": "Innovation inputs", "weight": 1},
            {"code": "outputs", "name_zh": "创新产出", "name_en": "Innovation outputs", "weight": 1},
        ],
        "indicators": [
            # fewer inputs for the same outputs is better: the direction follows the inputs' role here
            {"code": "rd_expenditure", "pillar": "inputs", "direction": "lower"},
            {"code": "rd_staff", "pillar": "inputs", "direction": "lower"},
            {"code": "invention_patents", "pillar": "outputs"},
            {"code": "tech_contract_turnover", "pillar": "outputs"},
            {"code": "new_product_revenue", "pillar": "outputs"},
        ],
        "outliers": {"method": "none"},
        "peer_groups": {"method": "none"},
        "composite": {
            "method": "dea",
            "dea": {
                "inputs": ["rd_expenditure", "rd_staff"],
                "outputs": ["invention_patents", "tech_contract_turnover", "new_product_revenue"],
                "returns_to_scale": "constant",
                "super_efficiency": True,
            },
        },
        "tiers": {
            "basis": "composite",
            "thresholds": [99.9999, 80, 60],
            "tiers": [t.model_dump() for t in catalog_tiers(
                ("dea_efficient", "near_efficient", "moderately_inefficient", "inefficient")
            )],
            "subgroups": False,
        },
        "uncertainty": {"enabled": False},
    }
)

MODEL = build_model(SPEC)
