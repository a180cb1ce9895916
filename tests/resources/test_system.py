"""client.system: status, ping and time (text answers), wallets; all public and unsigned."""

from __future__ import annotations

from typing import Any

import pytest
from support import BASE, assert_unsigned, only_request

from bpx_async import AsyncClient
from bpx_async.errors import ResponseValidationError
from bpx_async.models.enums import Blockchain, SystemStatus


async def test_status_reads_maintenance_and_message_ignoring_unknown_fields(
    mock_api: Any, client: AsyncClient
) -> None:
    mock_api.get(
        f"{BASE}/api/v1/status",
        payload={"status": "Maintenance", "message": "Upgrading matching engine", "eta": 5},
    )
    status = await client.system.status()
    assert status.status is SystemStatus.MAINTENANCE
    assert status.message == "Upgrading matching engine"
    sent = only_request(mock_api)
    assert (sent.method, sent.path, sent.query, sent.body) == ("GET", "/api/v1/status", [], None)
    assert_unsigned(sent)


async def test_status_keeps_an_unknown_status_as_text_and_null_message(
    mock_api: Any, client: AsyncClient
) -> None:
    mock_api.get(f"{BASE}/api/v1/status", payload={"status": "Degraded", "message": None})
    status = await client.system.status()
    assert status.status == "Degraded"
    assert status.message is None


async def test_ping_returns_the_text_body(mock_api: Any, client: AsyncClient) -> None:
    mock_api.get(f"{BASE}/api/v1/ping", body="pong", content_type="text/plain")
    assert await client.system.ping() == "pong"
    sent = only_request(mock_api)
    assert (sent.method, sent.path, sent.query) == ("GET", "/api/v1/ping", [])
    assert_unsigned(sent)


async def test_time_parses_the_text_body_as_integer_milliseconds(
    mock_api: Any, client: AsyncClient
) -> None:
    mock_api.get(f"{BASE}/api/v1/time", body="1753101234567\n", content_type="text/plain")
    server_ms = await client.system.time()
    assert server_ms == 1_753_101_234_567
    assert isinstance(server_ms, int)
    sent = only_request(mock_api)
    assert (sent.method, sent.path, sent.query) == ("GET", "/api/v1/time", [])
    assert_unsigned(sent)


async def test_time_with_a_non_numeric_body_raises_response_validation_error(
    mock_api: Any, client: AsyncClient
) -> None:
    mock_api.get(f"{BASE}/api/v1/time", body="<html>oops</html>", content_type="text/html")
    with pytest.raises(ResponseValidationError) as caught:
        await client.system.time()
    assert caught.value.body == b"<html>oops</html>"
    assert caught.value.path == "/api/v1/time"


async def test_wallets_parse_known_and_unknown_blockchains_and_null_address(
    mock_api: Any, client: AsyncClient
) -> None:
    mock_api.get(
        f"{BASE}/api/v1/wallets",
        payload=[
            {"blockchain": "Solana", "address": "9wFFyRfZBsuAha4YcuxcXLKwMxJR43S7fPfQLusDBzvT"},
            {"blockchain": "Bsc", "address": "0x5e2a6b2a9c0e4c1c7e9f0b3e5d2c1a0b9f8e7d6c"},
            {"blockchain": "Kaspa", "address": None, "memoRequired": True},
        ],
    )
    wallets = await client.system.wallets()
    assert [w.blockchain for w in wallets] == [Blockchain.SOLANA, Blockchain.BSC, "Kaspa"]
    assert wallets[0].address == "9wFFyRfZBsuAha4YcuxcXLKwMxJR43S7fPfQLusDBzvT"
    assert wallets[2].address is None
    sent = only_request(mock_api)
    assert (sent.method, sent.path, sent.query) == ("GET", "/api/v1/wallets", [])
    assert_unsigned(sent)
