"""The generic register machinery every domain plugs into (NetBox-style).

A domain describes itself once with a ``Register`` (model, schemas, import/export columns,
natural key, search and filter fields, tenancy policy). From that one description the kit serves
the CRUD service functions, the JSON API, imports/exports and the register pages.
"""
