"""Smoke test of the shared fixtures: a signed GET through the pipeline verifies."""

from __future__ import annotations

from typing import Any

from pydantic import Field
from support import BASE, assert_signed, only_request

from bpx_async import AsyncClient
from bpx_async.endpoints import Endpoint
from bpx_async.models._base import BpxModel, RequestModel


class _Query(RequestModel):
    blockchain: str = Field(min_length=1)


class _Address(BpxModel):
    address: str


_EP: Endpoint[_Address] = Endpoint(
    name="test.address",
    method="GET",
    path="/wapi/v1/capital/deposit/address",
    instruction="depositAddressQuery",
    request=_Query,
    response=_Address,
    auth="signed",
)


async def test_signed_get_matches_vector_v1(mock_api: Any, signed_client: AsyncClient) -> None:
    mock_api.get(
        f"{BASE}/wapi/v1/capital/deposit/address?blockchain=Solana", payload={"address": "x"}
    )
    result = await signed_client.request(_EP, {"blockchain": "Solana"})
    assert result.address == "x"
    sent = only_request(mock_api)
    message = assert_signed(sent, "depositAddressQuery")
    assert (
        message
        == "instruction=depositAddressQuery&blockchain=Solana&timestamp=1700000000000&window=5000"
    )
    assert sent.headers["X-Signature"] == (
        "C3kk7v1e+5FzGO0CXviqzYXCDZ4mkGyH3ccRnDj7U1irwZNWPABz5TTMmDxFm6DcqjfC29C77Z6JXDhBfv65CA=="
    )
