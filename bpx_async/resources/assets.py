"""Assets and collateral parameters (public)."""

from __future__ import annotations

from ._base import Resource

__all__ = ["Assets"]


class Assets(Resource):
    """Assets and collateral parameters (public)."""

    __slots__ = ()
