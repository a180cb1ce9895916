"""Borrow/lend markets and rates (public) and the account's borrow/lend positions."""

from __future__ import annotations

from ._base import Resource

__all__ = ["BorrowLend"]


class BorrowLend(Resource):
    """Borrow/lend markets and rates (public) and the account's borrow/lend positions."""

    __slots__ = ()
