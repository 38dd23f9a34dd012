"""``innovation-peak`` — the flagship: the article's whole scheme, from 产业高原 to 创新高峰.

What it does: classifies zones into peer groups of similar endowment (rule bands on revenue and
national R&D platforms), builds an innovation-first composite — innovation outcomes 35,
entrepreneurship 10, leading industry chain 20, chief-innovation-officer system and environment
15, open cooperation 10, scale 10 (scale-nature indicators capped at 10% of the weight, process
indicators 0, mechanisms — indicators that only say an instrument exists — at most 5%) — and
judges each zone against its peers: tiers by the relative performance index
(创新高峰 > 125, 创新强劲 100–125, 创新追赶 70–100, 创新培育 < 70, with ± subgroups), profiles
(innovation against scale, flagging 产业高原型 zones as 低新化 risks), cultivation badges
(瞪羚 gazelle, 隐形冠军 hidden champion, 单项冠军 single-item champion), explanations (contributions,
strengths and weaknesses against the peer median, gap to the next tier) and a Monte Carlo rank
interval.
Why: the article asks for classified, tiered, innovation-first evaluation judged on outcomes
rather than process or GDP, cultivation through stages, a secure leading chain and a CIO-built
innovation environment. Sources: domain brief sections 1, 3, 4, 5 and 6; EIS methodology for
the RPI tiers; OECD/JRC Handbook (2008) for the method steps.
Chain security (安全性) reads the 卡脖子 measures of the first article: alternative sources of all
key components, the share of key products that are chokepoints (high threshold, localisation
below 50%; lower is better) and the alternative sources of those chokepoints (version 1.0.0 gave
all key components' alternative sources double weight and knew no chokepoints).
Mechanisms (手段): whether a CIO is appointed and how many 链长制 elements are in place say that
an instrument exists, not what it achieved; the article asks to 弱化手段和过程考核 and judge reforms
by their 成效. Each is weighted half an indicator in its pillar, so together they hold 3.2% of the
weight (6.3% in version 1.0.0), enough to signal the policy; the environment the CIO builds
(facilities, talent retention, 政产学研 platforms, technology finance) carries the CIO pillar.
"""

from __future__ import annotations

from scoring_models.pipeline import build_model
from scoring_models.spec import ModelSpec

SPEC = ModelSpec.model_validate(
    {
        "key": "innovation-peak",
        "version": "1.1.0",
        "title_zh": "创新高峰分类评价",
        "title_en": "Innovation peak (classified, tiered, innovation-first)",
        "description": __doc__,
        "pillars": [
            {"code": "innovation", "name_zh": "创新成效", "name_en": "Innovation outcomes", "weight": 35},
            {"code": "entrepreneurship", "name_zh": "创业活跃度", "name_en": "Entrepreneurship", "weight": 10},
            {"code": "leading_chain", "name_zh": "首位产业链", "name_en": "Leading industry chain", "weight": 20},
            {
                "code": "cio_environment",
                "name_zh": "首席创新官与创新环境",
                "name_en": "CIO and environment",
                "weight": 15,
            },
            {"code": "open_cooperation", "name_zh": "开放合作", "name_en": "Open cooperation", "weight": 10},
            {"code": "scale", "name_zh": "规模效益(封顶10%)", "name_en": "Scale (capped at 10%)", "weight": 10},
        ],
        "indicators": [
            {"code": "rd_intensity", "pillar": "innovation", "weight": 2},
            {"code": "rd_staff_share", "pillar": "innovation"},
            {"code": "invention_patents_per_10k", "pillar": "innovation", "weight": 2},
            {"code": "tech_contract_per_capita", "pillar": "innovation", "weight": 2},
            {"code": "rd5_revenue_share", "pillar": "innovation"},
            {"code": "new_product_share", "pillar": "innovation"},
            {"code": "hte_count", "pillar": "innovation"},
            {"code": "national_rd_platforms", "pillar": "innovation"},
            {"code": "gazelle_firms", "pillar": "entrepreneurship"},
            {"code": "tech_sme_count", "pillar": "entrepreneurship"},
            {"code": "vc_investment", "pillar": "entrepreneurship"},
            {"code": "leading_chain_share", "pillar": "leading_chain"},
            {"code": "leading_chain_lq", "pillar": "leading_chain"},
            {"code": "alt_source_coverage", "pillar": "leading_chain"},
            {"code": "chokepoint_share", "pillar": "leading_chain"},
            {"code": "chokepoint_alt_coverage", "pillar": "leading_chain"},
            {"code": "chain_completeness", "pillar": "leading_chain"},
            {"code": "chain_leader_elements", "pillar": "leading_chain", "weight": 0.5},
            {"code": "cio_established", "pillar": "cio_environment", "weight": 0.5},
            {"code": "major_facilities", "pillar": "cio_environment"},
            {"code": "top_talent_retention", "pillar": "cio_environment"},
            {"code": "iur_platforms", "pillar": "cio_environment"},
            {"code": "tech_finance_products", "pillar": "cio_environment"},
            {"code": "joint_rd_projects", "pillar": "open_cooperation"},
            {"code": "oem_revenue_share", "pillar": "open_cooperation"},
            {"code": "foreign_talent_share", "pillar": "open_cooperation"},
            {"code": "intl_copatents", "pillar": "open_cooperation"},
            {"code": "revenue", "pillar": "scale"},
            {"code": "labour_productivity", "pillar": "scale"},
        ],
        "imputation": {"method": "last_observed"},
        "badges": {"enabled": True},
        "constraints": {"max_nature_share": {"scale": 0.10, "process": 0.0, "mechanism": 0.05}},
    }
)

MODEL = build_model(SPEC)
