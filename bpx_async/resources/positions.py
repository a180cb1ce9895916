"""Open futures positions."""

from __future__ import annotations

from ._base import Resource

__all__ = ["Positions"]


class Positions(Resource):
    """Open futures positions."""

    __slots__ = ()
