"""Talent (人才): teachers and students resident in the zones (驻园师生).

The package is the home of the programme's people-side records: today the residents register;
the dual-mentor scheme (双导师制, a university teacher and an enterprise mentor who jointly guide a
student's practice work) will live beside it as its own model and register in this package.
"""
