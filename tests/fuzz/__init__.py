"""The on-demand fuzz campaign (a package, so its conftest is not confused with the suite's)."""
