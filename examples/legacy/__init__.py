"""The drive as it was before the determinism audit: same decisions, with the hazards.

Kept as the specimen that orch-lint, its fixes and its codemods are shown on. HAZARDS.md lists
every hazard planted here, line by line. Do not use it: use ``examples.orchestrate_core``.
"""
