"""Endpoint records of the Vaults group (the vault mint/redeem
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
    docs=("Vaults", "get_vaults"),
    method="GET",
    path="/api/v1/vaults",
    instruction=None,
    request=None,
    response=list[Vault],
)
HISTORY: Endpoint[list[VaultHistory]] = Endpoint(
    name="vaults.history",
    docs=("Vaults", "get_vault_history"),
    method="GET",
    path="/api/v1/vaults/history",
    instruction=None,
    request=VaultHistoryRequest,
    response=list[VaultHistory],
)
MINT: Endpoint[None] = Endpoint(
    name="vaults.mint",
    docs=("Vaults", "vault_mint"),
    method="POST",
    path="/api/v1/vault/mint",
    instruction="vaultMint",
    request=VaultMintRequest,
    response=type(None),
    kind="empty",
    auth="signed",
)
REDEEM: Endpoint[None] = Endpoint(
    name="vaults.redeem",
    docs=("Vaults", "vault_redeem"),
    method="POST",
    path="/api/v1/vault/redeem",
    instruction="vaultRedeemRequest",
    request=VaultRedeemRequest,
    response=type(None),
    kind="empty",
    auth="signed",
)
CANCEL_REDEEM: Endpoint[None] = Endpoint(
    name="vaults.cancel_redeem",
    docs=("Vaults", "vault_redeem_cancel"),
    method="DELETE",
    path="/api/v1/vault/redeem",
    instruction="vaultRedeemCancel",
    request=VaultIdRequest,
    response=type(None),
    kind="empty",
    auth="signed",
)
NAV: Endpoint[VaultNav] = Endpoint(
    name="vaults.nav",
    docs=("Vaults", "get_vault_nav"),
    method="GET",
    path="/api/v1/vault/nav",
    instruction="vaultNavQuery",
    request=None,
    response=VaultNav,
    auth="signed",
)
PENDING_REDEEMS: Endpoint[list[VaultRedeem]] = Endpoint(
    name="vaults.pending_redeems",
    docs=("Vaults", "get_vault_pending_redeems"),
    method="GET",
    path="/api/v1/vault/redeems/pending",
    instruction="vaultPendingRedeemsQuery",
    request=VaultIdRequest,
    response=list[VaultRedeem],
    auth="signed",
)
