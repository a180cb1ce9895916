"""Scheduled (TWAP-like) strategies."""

from __future__ import annotations

from ._base import Resource

__all__ = ["Strategies"]


class Strategies(Resource):
    """Scheduled (TWAP-like) strategies."""

    __slots__ = ()
