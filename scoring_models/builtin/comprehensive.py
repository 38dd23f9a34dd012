"""``comprehensive`` — the national comprehensive evaluation the article wants to move away from.

Five pillars with the weights of the MOST 2021 national evaluation (国科发火〔2021〕106号):
创新能力和创业活跃度 20%, 结构优化和产业价值链 20%, 绿色发展和宜居包容性 15%,
开放创新和国际竞争力 15%, 综合质效和持续创新力 30%. Economic scale is counted in full (no cap),
which is exactly what makes this the baseline. Indicators are catalog proxies for the official
ones, weighted equally inside each pillar.
"""

from __future__ import annotations

from scoring_models.pipeline import build_model
from scoring_models.spec import ModelSpec

SPEC = ModelSpec.model_validate(
    {
        "key": "comprehensive",
        "version": "1.0.1",
        "title_zh": "高新区综合评价",
        "title_en": "Comprehensive evaluation",
        "description": (
            "Baseline national comprehensive evaluation: five pillars weighted 20/20/15/15/30 as in the "
            "MOST 2021 system, economic scale counted in full; min-max normalisation, expert weights, "
            "weighted arithmetic mean, rule-band peer groups and EIS-style RPI tiers."
        ),
        "pillars": [
            {
                "code": "innovation_entrepreneurship",
                "name_zh": "创新能力和创业活跃度",
                "name_en": "Innovation capacity and entrepreneurship",
                "weight": 20,
            },
            {
                "code": "structure_value_chain",
                "name_zh": "结构优化和产业价值链",
                "name_en": "Structural upgrading and industrial value chain",
                "weight": 20,
            },
            {
                "code": "green_liveable",
                "name_zh": "绿色发展和宜居包容性",
                "name_en": "Green development and liveability",
                "weight": 15,
            },
            {
                "code": "open_competitiveness",
                "name_zh": "开放创新和国际竞争力",
                "name_en": "Open innovation and international competitiveness",
                "weight": 15,
            },
            {
                "code": "quality_sustainability",
                "name_zh": "综合质效和持续创新力",
                "name_en": "Overall quality, efficiency and sustained innovation",
                "weight": 30,
            },
        ],
        "indicators": [
            {"code": "rd_intensity", "pillar": "innovation_entrepreneurship"},
            {"code": "invention_patents_per_10k", "pillar": "innovation_entrepreneurship"},
            {"code": "tech_contract_per_capita", "pillar": "innovation_entrepreneurship"},
            {"code": "hte_count", "pillar": "innovation_entrepreneurship"},
            {"code": "tech_sme_count", "pillar": "innovation_entrepreneurship"},
            {"code": "vc_investment", "pillar": "innovation_entrepreneurship"},
            {"code": "incubatees", "pillar": "innovation_entrepreneurship"},
            {"code": "new_product_share", "pillar": "structure_value_chain"},
            {"code": "rd5_revenue_share", "pillar": "structure_value_chain"},
            {"code": "leading_chain_share", "pillar": "structure_value_chain"},
            {"code": "little_giant_firms", "pillar": "structure_value_chain"},
            {"code": "labour_productivity", "pillar": "structure_value_chain"},
            {"code": "energy_per_va", "pillar": "green_liveable"},
            {"code": "green_space_share", "pillar": "green_liveable"},
            {"code": "school_places_per_10k", "pillar": "green_liveable"},
            {"code": "hightech_export_share", "pillar": "open_competitiveness"},
            {"code": "exports", "pillar": "open_competitiveness"},
            {"code": "intl_copatents", "pillar": "open_competitiveness"},
            {"code": "foreign_talent_share", "pillar": "open_competitiveness"},
            {"code": "overseas_rd_firms", "pillar": "open_competitiveness"},
            {"code": "revenue", "pillar": "quality_sustainability"},
            {"code": "value_added", "pillar": "quality_sustainability"},
            {"code": "tax", "pillar": "quality_sustainability"},
            {"code": "profit_margin", "pillar": "quality_sustainability"},
            {"code": "va_share_city_gdp", "pillar": "quality_sustainability"},
            {"code": "national_rd_platforms", "pillar": "quality_sustainability"},
        ],
    }
)

MODEL = build_model(SPEC)
