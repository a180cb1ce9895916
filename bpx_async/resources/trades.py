"""Recent and historical public trades."""

from __future__ import annotations

from ._base import Resource

__all__ = ["Trades"]


class Trades(Resource):
    """Recent and historical public trades."""

    __slots__ = ()
