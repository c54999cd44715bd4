"""Fixtures of this test package."""

from tests.security.hashing import fast_password_hashing

__all__ = ["fast_password_hashing"]
