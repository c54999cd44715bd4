"""Every GET route of the app (API and pages) turned into concrete URLs, for leak sweeps."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from fastapi import FastAPI
from fastapi.routing import APIRoute

# Routes that serve no data of anyone's (the API document, its viewer, static files).
SKIP = ("/api/v1/openapi.json", "/api/v1/docs", "/docs/oauth2-redirect")
_PARAM = re.compile(r"\{([a-z_]+)(?::[a-z]+)?\}")


def get_paths(app: FastAPI) -> list[str]:
    """Path templates of every GET route, including those FastAPI keeps in included routers."""
    paths: set[str] = set()
    for route in app.routes:
        contexts = getattr(route, "effective_route_contexts", None)
        if contexts is not None:
            for ctx in contexts():
                if "GET" in ctx.methods:
                    paths.add(ctx.path)
        elif isinstance(route, APIRoute) and "GET" in route.methods:
            paths.add(route.path)
        elif getattr(route, "methods", None) and "GET" in route.methods:  # type: ignore[attr-defined]
            paths.add(route.path)  # type: ignore[attr-defined]
    return sorted(p for p in paths if p not in SKIP)


def expand(
    template: str, values: Mapping[str, Sequence[Any]], default: Sequence[Any]
) -> Iterator[str]:
    """All URLs for a template, each parameter taken from ``values`` (or ``default``)."""
    names = _PARAM.findall(template)
    if not names:
        yield template
        return
    name = names[0]
    for value in values.get(name, default):
        head = _PARAM.sub(str(value), template, count=1)
        yield from expand(head, values, default)
