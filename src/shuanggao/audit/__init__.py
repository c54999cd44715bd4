"""Audit trail: an append-only log of every sign-in, write, export and permission change."""
