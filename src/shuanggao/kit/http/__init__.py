"""The HTTP toolkit that domains' ``api.py`` and ``pages.py`` build on (below every domain)."""
