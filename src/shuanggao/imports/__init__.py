"""Imports and exports for every register: spreadsheets in, spreadsheets out.

A generic engine driven by each ``Register``'s Chinese ``columns`` and ``natural_key``: files are
checked (format, size, zip bombs), every row is validated through the register's create schema and
tenancy policy, a file with any bad row is rejected whole with every bad row listed, and a good file
is written as upserts on the natural key in one transaction.
"""
