"""Examples for orch-lint: an orchestrator core that lints clean, its server, and its legacy drive."""
