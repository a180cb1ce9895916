# mypy: disable-error-code="empty-body"
# Method bodies are empty on purpose: @operation/@paginated (resources/_base.py) supply them.
"""Vaults: the public listing and NAV history, and the account's mints, redeems, NAV and pending
redeems (signed). Mint and redeem histories are in ``client.history``.
"""

from __future__ import annotations

import builtins

from ..endpoints import vaults as ep
from ..models._base import DecimalInput
from ..models.enums import VaultHistoryInterval
from ..models.vaults import Vault, VaultHistory, VaultNav, VaultRedeem
from ._base import Resource, operation

__all__ = ["Vaults"]


class Vaults(Resource):
    """Vaults: public listing and history, and the account's mints and redeems."""

    __slots__ = ()

    @operation(ep.LIST)
    async def list(self) -> builtins.list[Vault]:
        """Every vault on the exchange (public). ``GET /api/v1/vaults``."""

    @operation(ep.HISTORY)
    async def history(
        self, interval: VaultHistoryInterval | str, vault_id: int | None = None
    ) -> builtins.list[VaultHistory]:
        """NAV, equity and circulating tokens over ``interval`` (``1d``, ``1w``, ``1month`` or
        ``1year``), for every vault or one (public). ``GET /api/v1/vaults/history``.
        """

    @operation(ep.MINT)
    async def mint(
        self,
        vault_id: int,
        symbol: str,
        quantity: DecimalInput,
        *,
        auto_borrow: bool | None = None,
        auto_lend_redeem: bool | None = None,
    ) -> None:
        """Deposit ``quantity`` of asset ``symbol`` into a vault for vault tokens.

        ``POST /api/v1/vault/mint`` (answers an empty body).
        """

    @operation(ep.REDEEM)
    async def redeem(self, vault_id: int, vault_token_quantity: DecimalInput | None = None) -> None:
        """Request to redeem vault tokens for USDC (every token the account holds when no
        quantity is given); it executes after the vault's redeem delay.

        ``POST /api/v1/vault/redeem`` (answers an empty body).
        """

    @operation(ep.CANCEL_REDEEM)
    async def cancel_redeem(self, vault_id: int) -> None:
        """Cancel the account's pending redeem request on a vault.

        ``DELETE /api/v1/vault/redeem`` with a JSON body (answers an empty body).
        """

    @operation(ep.NAV)
    async def nav(self) -> VaultNav:
        """Live NAV (spot, TWAP, mint and redeem) of the vault the calling account owns; the spec
        allows it only to the vault's own account.

        ``GET /api/v1/vault/nav``.
        """

    @operation(ep.PENDING_REDEEMS)
    async def pending_redeems(self, vault_id: int) -> builtins.list[VaultRedeem]:
        """Pending redeem requests of a vault; only its system account may ask (403 otherwise).

        ``GET /api/v1/vault/redeems/pending``.
        """
