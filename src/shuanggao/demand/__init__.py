"""Industry demands (产业需求): what zones' enterprises need, with visibility and triage."""
