"""``leading-chain`` — how concentrated, specialised and secure a zone's 首位产业链 is.

What it measures: concentration (leading-chain share of revenue, Herfindahl–Hirschman index of
chain revenues) and specialisation (location quotient of the leading chain against all zones of
the evaluation); security (安全性: share of key components with at least one alternative domestic
source, and the 卡脖子 measures of the first article — the share of key products that are
chokepoints, high technology threshold with localisation below 50%, lower is better, and the share
of those chokepoints with an alternative source); smoothness (畅通性: completeness of the chain's
segments and the local supporting rate); initiative (主动性: chain-anchor firms, single-item
champions and 专精特新 little giants, and — as mechanisms (手段), weighted a quarter each — the
chain-leader system 链长制 and its 九个一 elements).
Why: the article asks zones to concentrate policy resources on one advantaged chain and to judge
its security, smoothness and initiative; the first article asks for at least one alternative
source for every important product, chokepoints first. Version 1.0.0 treated all key
components alike; 1.1.0 splits security equally between all key components' alternative sources,
the chokepoint share and the chokepoints' alternative sources. The chain metrics are derived from
the stored chain breakdowns and their key products (domain brief sections 3 and 7) unless a zone
reports them.
Weights: concentration 25, security 30, smoothness 20, initiative 25; no scale or process
indicators. The 链长制 flag and its element count only say that an instrument exists (nature
``mechanism``): the article asks to 弱化手段和过程考核, so together they hold 3.6% of the weight
(capped at 5%) instead of 10% in version 1.0.0, and the chain's firms carry the initiative pillar.
Sources: domain brief sections 1, 3 and 7; Zhejiang's chain-leader system (2019).
"""

from __future__ import annotations

from scoring_models.pipeline import build_model
from scoring_models.spec import ModelSpec

SPEC = ModelSpec.model_validate(
    {
        "key": "leading-chain",
        "version": "1.1.0",
        "title_zh": "首位产业链评价",
        "title_en": "Leading industry chain",
        "description": __doc__,
        "pillars": [
            {
                "code": "concentration",
                "name_zh": "集中度与专业化",
                "name_en": "Concentration and specialisation",
                "weight": 25,
            },
            {"code": "security", "name_zh": "安全性", "name_en": "Security", "weight": 30},
            {"code": "smoothness", "name_zh": "畅通性", "name_en": "Smoothness", "weight": 20},
            {"code": "initiative", "name_zh": "主动性", "name_en": "Initiative", "weight": 25},
        ],
        "indicators": [
            {"code": "leading_chain_share", "pillar": "concentration"},
            {"code": "chain_hhi", "pillar": "concentration"},
            {"code": "leading_chain_lq", "pillar": "concentration"},
            {"code": "alt_source_coverage", "pillar": "security"},
            {"code": "chokepoint_share", "pillar": "security"},
            {"code": "chokepoint_alt_coverage", "pillar": "security"},
            {"code": "chain_completeness", "pillar": "smoothness"},
            {"code": "local_supporting_rate", "pillar": "smoothness"},
            {"code": "chain_anchor_firms", "pillar": "initiative"},
            {"code": "single_champion_firms", "pillar": "initiative"},
            {"code": "little_giant_firms", "pillar": "initiative"},
            {"code": "chain_leader_system", "pillar": "initiative", "weight": 0.25},
            {"code": "chain_leader_elements", "pillar": "initiative", "weight": 0.25},
        ],
        "constraints": {"max_nature_share": {"scale": 0.0, "process": 0.0, "mechanism": 0.05}},
    }
)

MODEL = build_model(SPEC)
