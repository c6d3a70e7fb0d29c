"""Coding tables derived from openly licensed reference data (see README.md here)."""
