"""Placing, querying and cancelling orders, single and batch."""

from __future__ import annotations

from ._base import Resource

__all__ = ["Orders"]


class Orders(Resource):
    """Placing, querying and cancelling orders, single and batch."""

    __slots__ = ()
