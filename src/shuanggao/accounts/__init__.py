"""Accounts: users, roles, sign-in, sessions and the acting principal."""
