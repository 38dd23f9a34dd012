"""``innovation-officer`` — the chief innovation officer (首席创新官) system and the environment it builds.

What it measures: the CIO system itself (a CIO in place, reporting to the zone's main leader, the
planning and policy instruments it coordinates); the "innovation nest" (创新凤巢) rather than
bought titles — large scientific facilities and national labs, good school places, innovation
events, technology-finance products (tech loans, 首台套 and first-batch material insurance) and
the share of recruited top talent still active after three years; and the coupling of basic and
applied research through government–industry–university–research (政产学研) platforms, joint
projects and new-type R&D institutions.
Why: the article proposes a CIO under the zone's main leader to build an innovation environment
and notes that this environment has lacked a quantitative basis; this model supplies one.
Weights: CIO system 30, innovation environment 40, 政产学研 integration 30; no scale or process
indicators. Sources: domain brief sections 1 and 3.
"""

from __future__ import annotations

from scoring_models.pipeline import build_model
from scoring_models.spec import ModelSpec

SPEC = ModelSpec.model_validate(
    {
        "key": "innovation-officer",
        "version": "1.0.0",
        "title_zh": "首席创新官与创新环境评价",
        "title_en": "Chief innovation officer and innovation environment",
        "description": __doc__,
        "pillars": [
            {"code": "cio_system", "name_zh": "首席创新官制度", "name_en": "CIO system", "weight": 30},
            {"code": "environment", "name_zh": "创新环境(创新凤巢)", "name_en": "Innovation environment", "weight": 40},
            {
                "code": "integration",
                "name_zh": "政产学研融合",
                "name_en": "Government–industry–university–research",
                "weight": 30,
            },
        ],
        "indicators": [
            {"code": "cio_established", "pillar": "cio_system"},
            {"code": "cio_reports_to_head", "pillar": "cio_system"},
            {"code": "cio_policy_instruments", "pillar": "cio_system"},
            {"code": "major_facilities", "pillar": "environment"},
            {"code": "school_places_per_10k", "pillar": "environment"},
            {"code": "innovation_events", "pillar": "environment"},
            {"code": "tech_finance_products", "pillar": "environment"},
            {"code": "top_talent_retention", "pillar": "environment", "weight": 2},
            {"code": "iur_platforms", "pillar": "integration"},
            {"code": "basic_applied_projects", "pillar": "integration"},
            {"code": "new_rd_institutions", "pillar": "integration"},
        ],
        "constraints": {"max_nature_share": {"scale": 0.0, "process": 0.0}},
    }
)

MODEL = build_model(SPEC)
