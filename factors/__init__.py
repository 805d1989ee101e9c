"""Factor tables: the cited, versioned numbers every figure is computed from.

``python -m factors.build`` regenerates the seeds derived from the pinned EcoLogits package; the
hand-curated seeds (grid intensity, per-unit activity energy, token weights) are edited directly in
``dbt_project/seeds/`` and carry their citation on every row.
"""

RELEASE = "ewh-2026.11.0"
