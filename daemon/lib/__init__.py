"""Helpers shared by the daemon's action families (never families themselves)."""
