"""Matching of technology supply and industry demand (see README)."""
