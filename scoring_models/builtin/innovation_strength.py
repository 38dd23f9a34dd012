"""``innovation-strength`` — judge zones by innovation strength (以创新实力论英雄), not by size.

What it measures: the outcomes of innovation and entrepreneurship — R&D intensity and staff,
patents, technology contracts, high-tech enterprises, new products, R&D platforms, technology SMEs,
venture capital, gazelles and unicorns, and the upgrading of the industrial structure.
Why: the article asks to move from comprehensive, economy-heavy evaluation to innovation-specific
evaluation and to relax pressure on economic metrics, which pushed zones into 低新化 work.
Weights: innovation outputs 45, entrepreneurship 25, structural upgrading 20, efficiency (scale)
10 — scale-nature indicators are capped at 10% of the weight and process indicators get none
(enforced by the spec's constraints). Sources: the domain brief (sections 1, 3, 4) and the MOST
2021 indicator families, restricted to outcome indicators.
"""

from __future__ import annotations

from scoring_models.pipeline import build_model
from scoring_models.spec import ModelSpec

SPEC = ModelSpec.model_validate(
    {
        "key": "innovation-strength",
        "version": "1.0.1",
        "title_zh": "创新实力评价",
        "title_en": "Innovation strength",
        "description": __doc__,
        "pillars": [
            {"code": "innovation_output", "name_zh": "创新产出", "name_en": "Innovation outputs", "weight": 45},
            {"code": "entrepreneurship", "name_zh": "创业活跃度", "name_en": "Entrepreneurship", "weight": 25},
            {"code": "upgrading", "name_zh": "结构升级", "name_en": "Structural upgrading", "weight": 20},
            {"code": "efficiency", "name_zh": "质量效益", "name_en": "Efficiency", "weight": 10},
        ],
        "indicators": [
            {"code": "rd_intensity", "pillar": "innovation_output", "weight": 2},
            {"code": "rd_staff_share", "pillar": "innovation_output"},
            {"code": "invention_patents_per_10k", "pillar": "innovation_output", "weight": 2},
            {"code": "pct_applications", "pillar": "innovation_output"},
            {"code": "tech_contract_per_capita", "pillar": "innovation_output", "weight": 2},
            {"code": "hte_count", "pillar": "innovation_output"},
            {"code": "hte_net_new", "pillar": "innovation_output"},
            {"code": "national_rd_platforms", "pillar": "innovation_output"},
            {"code": "new_rd_institutions", "pillar": "innovation_output"},
            {"code": "tech_sme_count", "pillar": "entrepreneurship"},
            {"code": "new_firms", "pillar": "entrepreneurship"},
            {"code": "incubatees", "pillar": "entrepreneurship"},
            {"code": "vc_backed_firms", "pillar": "entrepreneurship"},
            {"code": "vc_investment", "pillar": "entrepreneurship"},
            {"code": "gazelle_firms", "pillar": "entrepreneurship", "weight": 2},
            {"code": "unicorn_firms", "pillar": "entrepreneurship"},
            {"code": "rd5_revenue_share", "pillar": "upgrading", "weight": 2},
            {"code": "new_product_share", "pillar": "upgrading", "weight": 2},
            {"code": "little_giant_firms", "pillar": "upgrading"},
            {"code": "hightech_export_share", "pillar": "upgrading"},
            {"code": "labour_productivity", "pillar": "efficiency"},
            {"code": "profit_margin", "pillar": "efficiency"},
        ],
        "constraints": {"max_nature_share": {"scale": 0.10, "process": 0.0}},
    }
)

MODEL = build_model(SPEC)
