"""``open-cooperation`` — domestic joint R&D instead of OEM work, and international talent networks.

What it measures: domestically, joint R&D projects with other zones and benefit- and cost-sharing
agreements (instead of "charity" assistance), against the share of revenue from OEM / white-label
production (贴牌生产, lower is better); internationally, foreign and returnee talent, patents with
co-inventors abroad, international joint labs, firms with overseas R&D centres, international
standards led and the high-tech share of exports.
Why: the article asks leading zones to move from OEM production to joint R&D with benefit-sharing,
and to build international innovation talent networks.
Weights: domestic cooperation 50, international networks 50; no scale or process indicators.
Sources: domain brief sections 1 and 3.
"""

from __future__ import annotations

from scoring_models.pipeline import build_model
from scoring_models.spec import ModelSpec

SPEC = ModelSpec.model_validate(
    {
        "key": "open-cooperation",
        "version": "1.0.1",
        "title_zh": "开放合作评价",
        "title_en": "Open cooperation",
        "description": __doc__,
        "pillars": [
            {"code": "domestic", "name_zh": "国内联合研发与利益共享", "name_en": "Domestic joint R&D", "weight": 50},
            {"code": "international", "name_zh": "国际创新人才网络", "name_en": "International networks", "weight": 50},
        ],
        "indicators": [
            {"code": "joint_rd_projects", "pillar": "domestic", "weight": 2},
            {"code": "benefit_sharing_agreements", "pillar": "domestic"},
            {"code": "oem_revenue_share", "pillar": "domestic", "weight": 2},
            {"code": "foreign_talent_share", "pillar": "international", "weight": 2},
            {"code": "intl_copatents", "pillar": "international"},
            {"code": "intl_joint_labs", "pillar": "international"},
            {"code": "overseas_rd_firms", "pillar": "international"},
            {"code": "intl_standards", "pillar": "international"},
            {"code": "hightech_export_share", "pillar": "international"},
        ],
        "constraints": {"max_nature_share": {"scale": 0.0, "process": 0.0}},
    }
)

MODEL = build_model(SPEC)
