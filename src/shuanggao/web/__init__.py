"""The web layer: app wiring, dependencies, templates and static files."""
