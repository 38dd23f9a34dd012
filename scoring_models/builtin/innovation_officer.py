"""``innovation-officer`` — the innovation environment (创新凤巢) a chief innovation officer builds.

What it measures: the outcomes of the environment the article asks a chief innovation officer
(首席创新官) to build — the "innovation nest" rather than bought titles: large scientific facilities
and national labs, good school places, innovation events, technology-finance products (tech
loans, 首台套 and first-batch material insurance) and, weighted double, the share of recruited top
talent still active after three years; and the coupling of basic and applied research through
government–industry–university–research (政产学研) platforms, joint projects and new-type R&D
institutions. The CIO system itself — a CIO appointed, reporting to the zone's main leader, the
planning and policy instruments it coordinates — only says that an instrument exists: those three
indicators have the nature ``mechanism`` (手段) and share a small pillar of 5%, capped at 5%.
Why: the article proposes a CIO under the zone's main leader to build an innovation environment
and notes that this environment has lacked a quantitative basis; it also asks to 弱化手段和过程考核
and judge reforms by their 成效. So the model judges the environment the CIO builds; having a CIO
carries a small, stated weight that signals the policy without rewarding an appointment as such
(version 1.0.0 gave the CIO system 30%; a zone could gain 30 points by appointing one).
Weights: innovation environment 55, 政产学研 integration 40, CIO system (mechanisms) 5; no scale
or process indicators. Sources: domain brief sections 1, 3 and 7; the source article (弱化手段和过程考核).
"""

from __future__ import annotations

from scoring_models.pipeline import build_model
from scoring_models.spec import ModelSpec

SPEC = ModelSpec.model_validate(
    {
        "key": "innovation-officer",
        "version": "2.0.0",
        "title_zh": "首席创新官与创新环境评价",
        "title_en": "Chief innovation officer and innovation environment",
        "description": __doc__,
        "pillars": [
            {"code": "environment", "name_zh": "创新环境(创新凤巢)", "name_en": "Innovation environment", "weight": 55},
            {
                "code": "integration",
                "name_zh": "政产学研融合",
                "name_en": "Government–industry–university–research",
                "weight": 40,
            },
            {"code": "cio_system", "name_zh": "首席创新官制度(手段)", "name_en": "CIO system (means)", "weight": 5},
        ],
        "indicators": [
            {"code": "major_facilities", "pillar": "environment"},
            {"code": "school_places_per_10k", "pillar": "environment"},
            {"code": "innovation_events", "pillar": "environment"},
            {"code": "tech_finance_products", "pillar": "environment"},
            {"code": "top_talent_retention", "pillar": "environment", "weight": 2},
            {"code": "iur_platforms", "pillar": "integration"},
            {"code": "basic_applied_projects", "pillar": "integration"},
            {"code": "new_rd_institutions", "pillar": "integration"},
            {"code": "cio_established", "pillar": "cio_system"},
            {"code": "cio_reports_to_head", "pillar": "cio_system"},
            {"code": "cio_policy_instruments", "pillar": "cio_system"},
        ],
        "constraints": {"max_nature_share": {"scale": 0.0, "process": 0.0, "mechanism": 0.05}},
    }
)

MODEL = build_model(SPEC)
