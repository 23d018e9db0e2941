"""Supervision pages: every one asks supervision.policies (or the owning app's policy)."""
