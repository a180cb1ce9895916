"""client.assets: the asset list with per-blockchain tokens, and collateral parameters."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from support import BASE, assert_unsigned, only_request, sent_requests

from bpx_async import AsyncClient
from bpx_async.endpoints import assets as ep
from bpx_async.errors import RequestValidationError
from bpx_async.models.enums import Blockchain

SOL_ASSET = {
    "symbol": "SOL",
    "displayName": "Solana",
    "coingeckoId": "solana",
    "tokens": [
        {
            "displayName": "Solana",
            "blockchain": "Solana",
            "contractAddress": None,
            "depositEnabled": True,
            "minimumDeposit": "0.01",
            "withdrawEnabled": True,
            "minimumWithdrawal": "0.02",
            "maximumWithdrawal": None,
            "withdrawalFee": "0.002",
            "nativeDecimals": 9,
            "networkCongested": False,
        }
    ],
}
USDC_ASSET = {
    "symbol": "USDC",
    "displayName": "USD Coin",
    "coingeckoId": "usd-coin",
    "tokens": [
        {
            "displayName": "USDC",
            "blockchain": "Ethereum",
            "contractAddress": "0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48",
            "depositEnabled": True,
            "minimumDeposit": "1",
            "withdrawEnabled": False,
            "minimumWithdrawal": "10",
            "maximumWithdrawal": "1000000",
            "withdrawalFee": "3.50",
        },
        {
            "displayName": "USDC",
            "blockchain": "Starknet",
            "depositEnabled": False,
            "minimumDeposit": "1",
            "withdrawEnabled": False,
            "minimumWithdrawal": "5",
            "withdrawalFee": "0.1",
        },
    ],
}


async def test_list_parses_tokens_with_decimal_limits_and_open_blockchain(
    mock_api: Any, client: AsyncClient
) -> None:
    mock_api.get(f"{BASE}/api/v1/assets", payload=[SOL_ASSET, USDC_ASSET])
    assets = await client.assets.list()

    assert [a.symbol for a in assets] == ["SOL", "USDC"]
    sol = assets[0].tokens[0]
    assert sol.blockchain is Blockchain.SOLANA
    assert sol.minimum_deposit == Decimal("0.01")
    assert sol.withdrawal_fee == Decimal("0.002")
    assert sol.maximum_withdrawal is None and sol.contract_address is None
    assert sol.native_decimals == 9
    eth, starknet = assets[1].tokens
    assert eth.withdrawal_fee == Decimal("3.50") and str(eth.withdrawal_fee) == "3.50"
    assert eth.withdraw_enabled is False
    assert starknet.blockchain == "Starknet"
    assert starknet.native_decimals is None

    sent = only_request(mock_api)
    assert (sent.method, sent.path, sent.query) == ("GET", "/api/v1/assets", [])
    assert_unsigned(sent)


async def test_list_sends_the_country_filter(mock_api: Any, client: AsyncClient) -> None:
    mock_api.get(f"{BASE}/api/v1/assets?country=JP", payload=[{**SOL_ASSET, "tokens": None}])
    assets = await client.assets.list(country="JP")
    assert assets[0].tokens == []
    sent = only_request(mock_api)
    assert sent.query == [("country", "JP")]
    assert_unsigned(sent)


async def test_list_refuses_a_country_that_is_not_a_two_letter_code(
    mock_api: Any, client: AsyncClient
) -> None:
    with pytest.raises(RequestValidationError):
        await client.assets.list(country="Japan")
    assert sent_requests(mock_api) == []


async def test_collateral_parses_sqrt_margin_functions_and_both_haircut_kinds(
    mock_api: Any, client: AsyncClient
) -> None:
    mock_api.get(
        f"{BASE}/api/v1/collateral",
        payload=[
            {
                "symbol": "BTC",
                "imfFunction": {"type": "sqrt", "base": "0.02", "factor": "0.0000935"},
                "mmfFunction": {"type": "sqrt", "base": "0.012", "factor": "0.0000561"},
                "haircutFunction": {
                    "weight": "0.90",
                    "kind": {
                        "type": "inverseSqrt",
                        "base": "1.3",
                        "positiveCurvePenalty": "0.00001",
                    },
                },
                "borrowable": True,
            },
            {
                "symbol": "USDC",
                "imfFunction": {"type": "sqrt", "base": "0.01", "factor": "0"},
                "mmfFunction": None,
                "haircutFunction": {"weight": "1", "kind": {"type": "identity"}},
            },
        ],
    )
    btc, usdc = await client.assets.collateral()

    assert btc.symbol == "BTC"
    assert btc.imf_function is not None and btc.imf_function.type == "sqrt"
    assert btc.imf_function.base == Decimal("0.02")
    assert btc.imf_function.factor == Decimal("0.0000935")
    assert btc.mmf_function is not None and btc.mmf_function.base == Decimal("0.012")
    haircut = btc.haircut_function
    assert haircut is not None and haircut.weight == Decimal("0.90")
    assert haircut.kind is not None and haircut.kind.type == "inverseSqrt"
    assert haircut.kind.base == Decimal("1.3")
    assert haircut.kind.positive_curve_penalty == Decimal("0.00001")

    assert usdc.mmf_function is None
    assert usdc.haircut_function is not None and usdc.haircut_function.kind is not None
    assert usdc.haircut_function.kind.type == "identity"
    assert usdc.haircut_function.kind.base is None

    sent = only_request(mock_api)
    assert (sent.method, sent.path, sent.query) == ("GET", "/api/v1/collateral", [])
    assert_unsigned(sent)


async def test_collateral_keeps_functions_of_an_unknown_type_with_their_fields(
    mock_api: Any, client: AsyncClient
) -> None:
    mock_api.get(
        f"{BASE}/api/v1/collateral",
        payload=[
            {
                "symbol": "JTO",
                "imfFunction": {"type": "piecewiseLinear", "slope": "0.4", "knee": "1000"},
                "mmfFunction": {"type": "sqrt", "base": "0.05", "factor": "0.0002"},
                "haircutFunction": {
                    "weight": "0.5",
                    "kind": {"type": "logistic", "midpoint": "250000"},
                },
            }
        ],
    )
    (jto,) = await client.assets.collateral()
    assert jto.imf_function is not None and jto.imf_function.type == "piecewiseLinear"
    assert jto.imf_function.model_extra == {"slope": "0.4", "knee": "1000"}
    assert jto.haircut_function is not None and jto.haircut_function.kind is not None
    assert jto.haircut_function.kind.type == "logistic"
    assert jto.haircut_function.kind.model_extra == {"midpoint": "250000"}


async def test_collateral_takes_no_parameters(mock_api: Any, client: AsyncClient) -> None:
    with pytest.raises(RequestValidationError):
        await client.request(ep.COLLATERAL, {"symbol": "BTC"})
    assert sent_requests(mock_api) == []
