"""Vaults: public listing and history, and the account's mints and redeems."""

from __future__ import annotations

from ._base import Resource

__all__ = ["Vaults"]


class Vaults(Resource):
    """Vaults: public listing and history, and the account's mints and redeems."""

    __slots__ = ()
