"""Balances, collateral, deposits, withdrawals and dust conversion."""

from __future__ import annotations

from ._base import Resource

__all__ = ["Capital"]


class Capital(Resource):
    """Balances, collateral, deposits, withdrawals and dust conversion."""

    __slots__ = ()
