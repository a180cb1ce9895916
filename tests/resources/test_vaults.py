"""client.vaults: public listing and history; signed mint, redeem, cancel (DELETE with a JSON
body), NAV and pending redeems.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime, timezone
from decimal import Decimal
from typing import Any

import pytest
from support import BASE, assert_signed, assert_unsigned, only_request, sent_requests

from bpx_async import AsyncClient
from bpx_async.errors import PermissionDeniedError, RequestValidationError
from bpx_async.models.enums import VaultHistoryInterval, VaultRedeemStatus
from bpx_async.models.vaults import Vault, VaultHistory, VaultNav, VaultRedeem


async def test_list_is_public_and_typed(mock_api: Any, client: AsyncClient) -> None:
    mock_api.get(
        f"{BASE}/api/v1/vaults",
        payload=[
            {
                "id": 1,
                "vaultToken": "bpUSDC",
                "symbol": "USDC",
                "mintsEnabled": True,
                "redeemsEnabled": False,
                "minMintQuantity": "10.00",
                "minRedeemTokens": "1",
                "redeemDelayMs": 86_400_000,
                "tokenStepSize": "0.000001",
                "remainingMintQuantity": None,
                "apy": "0.12",
            }
        ],
    )

    vaults = await client.vaults.list()

    assert all(isinstance(v, Vault) for v in vaults)
    (vault,) = vaults
    assert (vault.id, vault.vault_token, vault.symbol) == (1, "bpUSDC", "USDC")
    assert vault.min_mint_quantity == Decimal("10.00")
    assert vault.redeem_delay_ms == 86_400_000
    assert vault.remaining_mint_quantity is None
    sent = only_request(mock_api)
    assert (sent.method, sent.path, sent.query) == ("GET", "/api/v1/vaults", [])
    assert_unsigned(sent)


async def test_history_sends_interval_and_vault_id_unsigned(
    mock_api: Any, signed_client: AsyncClient
) -> None:
    mock_api.get(
        f"{BASE}/api/v1/vaults/history?interval=1w&vaultId=1",
        payload=[
            {
                "vaultId": 1,
                "timestamp": "2025-07-27T00:00:00Z",
                "nav": "1.0213",
                "vaultEquity": "1021300.5",
                "tokenCirculatingSupply": "1000000",
            },
            {"vaultId": 1, "timestamp": "2025-07-28T00:00:00Z", "nav": None, "new": 0},
        ],
    )

    history = await signed_client.vaults.history(VaultHistoryInterval.WEEK_1, vault_id=1)

    assert all(isinstance(h, VaultHistory) for h in history)
    assert history[0].nav == Decimal("1.0213")
    assert history[0].timestamp == datetime(2025, 7, 27, tzinfo=timezone.utc)
    assert history[1].nav is None
    sent = only_request(mock_api)
    assert sent.path == "/api/v1/vaults/history"
    assert sent.query == [("interval", "1w"), ("vaultId", "1")]
    assert_unsigned(sent)


async def test_mint_posts_the_exact_body_signed_and_accepts_the_empty_answer(
    mock_api: Any, signed_client: AsyncClient
) -> None:
    mock_api.post(f"{BASE}/api/v1/vault/mint", status=200, body="")

    await signed_client.vaults.mint(1, "USDC", "250.50", auto_borrow=False, auto_lend_redeem=True)

    sent = only_request(mock_api)
    assert (sent.method, sent.path, sent.query) == ("POST", "/api/v1/vault/mint", [])
    assert sent.body == {
        "vaultId": 1,
        "symbol": "USDC",
        "quantity": "250.50",
        "autoBorrow": False,
        "autoLendRedeem": True,
    }
    assert assert_signed(sent, "vaultMint") == (
        "instruction=vaultMint&autoBorrow=false&autoLendRedeem=true&quantity=250.50"
        "&symbol=USDC&vaultId=1&timestamp=1700000000000&window=5000"
    )


async def test_redeem_sends_vault_token_quantity_with_its_digits(
    mock_api: Any, signed_client: AsyncClient
) -> None:
    mock_api.post(f"{BASE}/api/v1/vault/redeem", status=200, body="")

    await signed_client.vaults.redeem(1, Decimal("12.500"))

    sent = only_request(mock_api)
    assert (sent.method, sent.path) == ("POST", "/api/v1/vault/redeem")
    assert sent.raw_body == b'{"vaultId":1,"vaultTokenQuantity":"12.500"}'
    assert assert_signed(sent, "vaultRedeemRequest") == (
        "instruction=vaultRedeemRequest&vaultId=1&vaultTokenQuantity=12.500"
        "&timestamp=1700000000000&window=5000"
    )


async def test_redeem_without_quantity_sends_only_the_vault_id(
    mock_api: Any, signed_client: AsyncClient
) -> None:
    mock_api.post(f"{BASE}/api/v1/vault/redeem", status=200, body="")

    await signed_client.vaults.redeem(7)

    sent = only_request(mock_api)
    assert sent.body == {"vaultId": 7}
    assert_signed(sent, "vaultRedeemRequest")


async def test_cancel_redeem_is_a_signed_delete_with_a_json_body(
    mock_api: Any, signed_client: AsyncClient
) -> None:
    mock_api.delete(f"{BASE}/api/v1/vault/redeem", status=200, body="")

    await signed_client.vaults.cancel_redeem(1)

    sent = only_request(mock_api)
    assert (sent.method, sent.path, sent.query) == ("DELETE", "/api/v1/vault/redeem", [])
    assert sent.raw_body == b'{"vaultId":1}'
    assert sent.headers["Content-Type"] == "application/json; charset=utf-8"
    assert assert_signed(sent, "vaultRedeemCancel") == (
        "instruction=vaultRedeemCancel&vaultId=1&timestamp=1700000000000&window=5000"
    )


async def test_nav_is_signed_and_typed(mock_api: Any, signed_client: AsyncClient) -> None:
    mock_api.get(
        f"{BASE}/api/v1/vault/nav",
        payload={
            "nav": "1.0213",
            "twapNav": "1.0209",
            "mintNav": "1.0213",
            "redeemNav": "1.0209",
            "vaultEquity": "1021300.5",
            "netEquity": "1019000",
            "tokenCirculatingSupply": "1000000",
            "lastCrankTimestamp": None,
            "nextCrank": 1,
        },
    )

    nav = await signed_client.vaults.nav()

    assert isinstance(nav, VaultNav)
    assert (nav.mint_nav, nav.redeem_nav) == (Decimal("1.0213"), Decimal("1.0209"))
    assert nav.last_crank_timestamp is None
    sent = only_request(mock_api)
    assert (sent.method, sent.path, sent.query) == ("GET", "/api/v1/vault/nav", [])
    assert assert_signed(sent, "vaultNavQuery") == (
        "instruction=vaultNavQuery&timestamp=1700000000000&window=5000"
    )


async def test_pending_redeems_sign_the_vault_id_and_keep_unknown_statuses(
    mock_api: Any, signed_client: AsyncClient
) -> None:
    mock_api.get(
        f"{BASE}/api/v1/vault/redeems/pending?vaultId=1",
        payload=[
            {
                "status": "Requested",
                "id": "881",
                "vaultId": 1,
                "vaultTokenQuantity": "12.500",
                "vaultToken": None,
                "symbol": None,
                "quantity": None,
                "nav": None,
                "reason": None,
                "timestamp": 1_753_637_940_092,
            },
            {"status": "Processing", "id": "882", "vaultId": 1, "timestamp": 1_753_637_941_000},
        ],
    )

    redeems = await signed_client.vaults.pending_redeems(1)

    assert all(isinstance(r, VaultRedeem) for r in redeems)
    requested, processing = redeems
    assert requested.status is VaultRedeemStatus.REQUESTED
    assert requested.vault_token_quantity == Decimal("12.500")
    assert requested.timestamp == 1_753_637_940_092
    assert processing.status == "Processing"
    sent = only_request(mock_api)
    assert (sent.path, sent.query) == ("/api/v1/vault/redeems/pending", [("vaultId", "1")])
    assert assert_signed(sent, "vaultPendingRedeemsQuery") == (
        "instruction=vaultPendingRedeemsQuery&vaultId=1&timestamp=1700000000000&window=5000"
    )


async def test_pending_redeems_for_a_foreign_vault_raise_permission_denied(
    mock_api: Any, signed_client: AsyncClient
) -> None:
    mock_api.get(
        f"{BASE}/api/v1/vault/redeems/pending?vaultId=2",
        status=403,
        payload={"code": "FORBIDDEN", "message": "Forbidden"},
    )

    with pytest.raises(PermissionDeniedError):
        await signed_client.vaults.pending_redeems(2)


_REJECTED: dict[str, Callable[[AsyncClient], Awaitable[Any]]] = {
    "history unknown interval": lambda c: c.vaults.history("1h"),
    "history negative vault id": lambda c: c.vaults.history("1d", vault_id=-1),
    "mint zero quantity": lambda c: c.vaults.mint(1, "USDC", "0"),
    "mint negative quantity": lambda c: c.vaults.mint(1, "USDC", Decimal("-5")),
    "mint float quantity": lambda c: c.vaults.mint(1, "USDC", 5.0),  # type: ignore[arg-type]
    "mint missing symbol": lambda c: c.vaults.mint(1, "", "5"),
    "mint text vault id": lambda c: c.vaults.mint("1", "USDC", "5"),  # type: ignore[arg-type]
    "redeem zero quantity": lambda c: c.vaults.redeem(1, "0"),
    "redeem vault id above uint32": lambda c: c.vaults.redeem(2**32),
    "cancel redeem negative vault id": lambda c: c.vaults.cancel_redeem(-1),
    "pending redeems boolean vault id": lambda c: c.vaults.pending_redeems(True),
}


@pytest.mark.parametrize("call", list(_REJECTED.values()), ids=list(_REJECTED))
async def test_invalid_parameters_are_refused_before_anything_is_sent(
    mock_api: Any,
    signed_client: AsyncClient,
    call: Callable[[AsyncClient], Awaitable[Any]],
) -> None:
    with pytest.raises(RequestValidationError):
        await call(signed_client)
    assert sent_requests(mock_api) == []
