"""Endpoint records of the Vaults group (REFERENCE.md section 3, Vaults; the vault mint/redeem
histories under ``/wapi/v1/history`` belong to ``client.history``).
"""

from __future__ import annotations

from ..models.vaults import (
    Vault,
    VaultHistory,
    VaultHistoryRequest,
    VaultIdRequest,
    VaultMintRequest,
    VaultNav,
    VaultRedeem,
    VaultRedeemRequest,
)
from ._spec import Endpoint

LIST: Endpoint[list[Vault]] = Endpoint(
    name="vaults.list",
    method="GET",
    path="/api/v1/vaults",
    instruction=None,
    request=None,
    response=list[Vault],
)
HISTORY: Endpoint[list[VaultHistory]] = Endpoint(
    name="vaults.history",
    method="GET",
    path="/api/v1/vaults/history",
    instruction=None,
    request=VaultHistoryRequest,
    response=list[VaultHistory],
)
MINT: Endpoint[None] = Endpoint(
    name="vaults.mint",
    method="POST",
    path="/api/v1/vault/mint",
    instruction="vaultMint",
    request=VaultMintRequest,
    response=None,
    kind="empty",
    auth="signed",
)
REDEEM: Endpoint[None] = Endpoint(
    name="vaults.redeem",
    method="POST",
    path="/api/v1/vault/redeem",
    instruction="vaultRedeemRequest",
    request=VaultRedeemRequest,
    response=None,
    kind="empty",
    auth="signed",
)
CANCEL_REDEEM: Endpoint[None] = Endpoint(
    name="vaults.cancel_redeem",
    method="DELETE",
    path="/api/v1/vault/redeem",
    instruction="vaultRedeemCancel",
    request=VaultIdRequest,
    response=None,
    kind="empty",
    auth="signed",
)
NAV: Endpoint[VaultNav] = Endpoint(
    name="vaults.nav",
    method="GET",
    path="/api/v1/vault/nav",
    instruction="vaultNavQuery",
    request=None,
    response=VaultNav,
    auth="signed",
)
PENDING_REDEEMS: Endpoint[list[VaultRedeem]] = Endpoint(
    name="vaults.pending_redeems",
    method="GET",
    path="/api/v1/vault/redeems/pending",
    instruction="vaultPendingRedeemsQuery",
    request=VaultIdRequest,
    response=list[VaultRedeem],
    auth="signed",
)
