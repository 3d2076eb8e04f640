"""Matching a request to an API route the way API Gateway (REST) does.

A literal path segment wins over a ``{parameter}``, which wins over a greedy ``{proxy+}``; on
the same path an exact method wins over ``ANY``.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import unquote

from devstack.template import Route

_LITERAL, _PARAMETER, _GREEDY = 0, 1, 2


@dataclass(frozen=True)
class RouteMatch:
    route: Route
    path_parameters: dict[str, str]


@dataclass(frozen=True)
class _Pattern:
    kinds: tuple[int, ...]
    segments: tuple[str, ...]

    @classmethod
    def parse(cls, path: str) -> "_Pattern":
        segments = tuple(_split(path))
        kinds = tuple(
            _GREEDY if segment.endswith("+}") else _PARAMETER if segment.startswith("{") else _LITERAL
            for segment in segments
        )
        return cls(kinds, segments)

    def match(self, parts: list[str]) -> dict[str, str] | None:
        parameters: dict[str, str] = {}
        for index, (kind, segment) in enumerate(zip(self.kinds, self.segments, strict=True)):
            if kind == _GREEDY:
                rest = parts[index:]
                if not rest:
                    return None
                parameters[segment[1:-2]] = "/".join(rest)
                return parameters
            if index >= len(parts):
                return None
            if kind == _PARAMETER:
                parameters[segment[1:-1]] = parts[index]
            elif segment != parts[index]:
                return None
        return parameters if len(parts) == len(self.segments) else None


def _split(path: str) -> list[str]:
    return [segment for segment in path.split("/") if segment]


class RouteTable:
    def __init__(self, routes: Iterable[Route]) -> None:
        self._routes = [(_Pattern.parse(route.path), route) for route in routes]
        # Most specific first: compare segment kinds left to right (literal < parameter < greedy).
        # Most specific first: compare segment kinds left to right (literal < parameter < greedy);
        # the routes of one path stay together, exact methods before ANY.
        self._routes.sort(key=lambda item: (item[0].kinds, item[0].segments, item[1].method == "ANY"))

    def match(self, method: str, path: str) -> tuple[RouteMatch | None, bool]:
        """The best route for the request, and whether any route has this path at all.

        API Gateway picks the resource (the path) first and then its method: a more specific
        path without the method does not fall back to a less specific one.
        """
        parts = [unquote(part) for part in _split(path)]
        chosen: _Pattern | None = None
        for pattern, route in self._routes:
            if chosen is not None and pattern != chosen:
                break
            parameters = pattern.match(parts)
            if parameters is None:
                continue
            chosen = pattern
            if route.method in (method.upper(), "ANY"):
                return RouteMatch(route, parameters), True
        return None, chosen is not None
