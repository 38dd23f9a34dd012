"""An example zonescore plug-in: a small green-and-liveable model declared as a spec.

Registered under the entry-point group ``zonescore.scoring_models`` (see ``pyproject.toml``).
"""

from scoring_models.pipeline import build_model
from scoring_models.spec import ModelSpec

SPEC = ModelSpec.model_validate(
    {
        "key": "green-liveable",
        "version": "0.1.0",
        "title_zh": "绿色宜居示例模型",
        "title_en": "Green and liveable (example plug-in)",
        "description": "Example third-party model: energy efficiency, green space and school places, "
        "with a small innovation pillar; geometric aggregation and k-means peer groups.",
        "pillars": [
            {"code": "green", "name_zh": "绿色发展", "name_en": "Green development", "weight": 2},
            {"code": "liveable", "name_zh": "宜居包容", "name_en": "Liveability", "weight": 1},
            {"code": "innovation", "name_zh": "创新能力", "name_en": "Innovation", "weight": 1},
        ],
        "indicators": [
            {"code": "energy_per_va", "pillar": "green", "weight": 2},
            {"code": "green_space_share", "pillar": "green"},
            {"code": "school_places_per_10k", "pillar": "liveable"},
            {"code": "rd_intensity", "pillar": "innovation"},
            {"code": "revenue", "pillar": "innovation", "weight": 0.2},
        ],
        "aggregation": {"method": "geometric"},
        "peer_groups": {"method": "kmeans", "kmeans_features": ["revenue"], "n_clusters": 2},
        "constraints": {"max_nature_share": {"scale": 0.10, "process": 0.0}},
    }
)

MODEL = build_model(SPEC)
