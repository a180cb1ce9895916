"""client.capital: balances (vector V4), collateral, deposit address (vector V1), deposits,
withdrawals, the nested recipientInformation of a withdrawal, and the unsigned withdrawal-delay
operations.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import pytest
from support import BASE, assert_signed, assert_unsigned, only_request, sent_requests

from bpx_async import AsyncClient
from bpx_async.errors import (
    AuthenticationError,
    ConflictError,
    RequestTimeoutError,
    RequestValidationError,
    ServiceUnavailableError,
)
from bpx_async.models.capital import (
    Balance,
    Deposit,
    MarginAccountSummary,
    Withdrawal,
    WithdrawalDelay,
    WithdrawalRecipientInformation,
)
from bpx_async.models.enums import Blockchain, DepositStatus, WithdrawalStatus

V1_SIGNATURE = (
    "C3kk7v1e+5FzGO0CXviqzYXCDZ4mkGyH3ccRnDj7U1irwZNWPABz5TTMmDxFm6DcqjfC29C77Z6JXDhBfv65CA=="
)
V4_SIGNATURE = (
    "R2zkfTE02MtqmkanJNQgP0sk1yKtfC4KEtFP6Xbrej3ZJc9Q+4dzePcr1LOCZMQmOeUGCo1+UbOk4n3Lf+FzCQ=="
)

WITHDRAWAL = {
    "id": 58113,
    "blockchain": "Solana",
    "clientId": "payout-17",
    "identifier": None,
    "quantity": "10.50",
    "fee": "0.001",
    "fiatFee": None,
    "fiatState": None,
    "fiatSymbol": None,
    "providerId": None,
    "symbol": "USDC",
    "status": "pending",
    "subaccountId": None,
    "toAddress": "9xQeWvG816bUx9EPjHmaT23yvVM2ZWbrrpZb9PusVFin",
    "transactionHash": None,
    "createdAt": "2025-07-27T17:39:00.092",
    "isInternal": False,
    "bankName": None,
    "bankIdentifier": None,
    "accountIdentifier": None,
    "triggerAt": None,
    "addedLater": {"x": 1},
}


async def test_balances_match_vector_v4_and_map_assets_to_decimal_balances(
    mock_api: Any, signed_client: AsyncClient
) -> None:
    mock_api.get(
        f"{BASE}/api/v1/capital",
        payload={
            "SOL": {"available": "12.500000000", "locked": "0.5", "staked": "0"},
            "USDC": {"available": "1034.10", "locked": "0", "staked": None, "new": True},
        },
    )

    balances = await signed_client.capital.balances()

    assert set(balances) == {"SOL", "USDC"}
    assert all(isinstance(b, Balance) for b in balances.values())
    assert balances["SOL"].available == Decimal("12.500000000")
    assert balances["SOL"].locked == Decimal("0.5")
    assert balances["USDC"].available == Decimal("1034.10")
    assert balances["USDC"].staked is None
    sent = only_request(mock_api)
    assert (sent.method, sent.path, sent.query, sent.body) == ("GET", "/api/v1/capital", [], None)
    assert assert_signed(sent, "balanceQuery") == (
        "instruction=balanceQuery&timestamp=1700000000000&window=5000"
    )
    assert sent.headers["X-Signature"] == V4_SIGNATURE
    assert (sent.headers["X-Timestamp"], sent.headers["X-Window"]) == ("1700000000000", "5000")


async def test_collateral_signs_subaccount_and_types_the_margin_summary(
    mock_api: Any, signed_client: AsyncClient
) -> None:
    mock_api.get(
        f"{BASE}/api/v1/capital/collateral?subaccountId=2",
        payload={
            "assetsValue": "1500.25",
            "borrowLiability": "0",
            "collateral": [
                {
                    "symbol": "SOL",
                    "assetMarkPrice": "150.10",
                    "totalQuantity": "10",
                    "balanceNotional": "1501.0",
                    "collateralWeight": "0.9",
                    "collateralValue": "1350.9",
                    "openOrderQuantity": "0",
                    "lendQuantity": "0",
                    "availableQuantity": "10",
                }
            ],
            "imf": "0.02",
            "unsettledEquity": "0",
            "liabilitiesValue": "0",
            "marginFraction": None,
            "mmf": "0.0125",
            "netEquity": "1500.25",
            "netEquityAvailable": "1350.9",
            "netEquityLocked": "0",
            "netExposureFutures": "0",
            "pnlUnrealized": "0",
            "somethingElse": "x",
        },
    )

    summary = await signed_client.capital.collateral(subaccount_id=2)

    assert isinstance(summary, MarginAccountSummary)
    assert summary.net_equity == Decimal("1500.25")
    assert summary.margin_fraction is None
    assert summary.collateral[0].symbol == "SOL"
    assert summary.collateral[0].collateral_weight == Decimal("0.9")
    sent = only_request(mock_api)
    assert (sent.path, sent.query) == ("/api/v1/capital/collateral", [("subaccountId", "2")])
    assert_signed(sent, "collateralQuery")


async def test_collateral_reads_a_null_collateral_list_as_empty(
    mock_api: Any, signed_client: AsyncClient
) -> None:
    mock_api.get(f"{BASE}/api/v1/capital/collateral", payload={"collateral": None})

    summary = await signed_client.capital.collateral()

    assert summary.collateral == []
    sent = only_request(mock_api)
    assert sent.query == []
    assert_signed(sent, "collateralQuery")


@pytest.mark.parametrize("blockchain", [Blockchain.SOLANA, "Solana"], ids=["enum", "text"])
async def test_deposit_address_matches_vector_v1(
    mock_api: Any, signed_client: AsyncClient, blockchain: Blockchain | str
) -> None:
    mock_api.get(
        f"{BASE}/wapi/v1/capital/deposit/address?blockchain=Solana",
        payload={"address": "7Np41oeYqPefeNQEHSv1UDhYrehxin3NStELsSKCT4K2", "memo": None},
    )

    result = await signed_client.capital.deposit_address(blockchain)

    assert result.address == "7Np41oeYqPefeNQEHSv1UDhYrehxin3NStELsSKCT4K2"
    sent = only_request(mock_api)
    assert (sent.method, sent.path) == ("GET", "/wapi/v1/capital/deposit/address")
    assert sent.query == [("blockchain", "Solana")]
    assert assert_signed(sent, "depositAddressQuery") == (
        "instruction=depositAddressQuery&blockchain=Solana&timestamp=1700000000000&window=5000"
    )
    assert sent.headers["X-Signature"] == V1_SIGNATURE


async def test_deposit_address_sends_a_chain_newer_than_the_enum_unchanged(
    mock_api: Any, signed_client: AsyncClient
) -> None:
    mock_api.get(
        f"{BASE}/wapi/v1/capital/deposit/address?blockchain=Kaspa", payload={"address": "kaspa:q"}
    )

    result = await signed_client.capital.deposit_address("Kaspa")

    assert result.address == "kaspa:q"
    sent = only_request(mock_api)
    assert sent.query == [("blockchain", "Kaspa")]
    assert_signed(sent, "depositAddressQuery")


async def test_deposit_address_conflict_is_raised_as_conflict_error(
    mock_api: Any, signed_client: AsyncClient
) -> None:
    mock_api.get(
        f"{BASE}/wapi/v1/capital/deposit/address?blockchain=Bsc",
        status=409,
        payload={"code": "INVALID_CLIENT_REQUEST", "message": "Conflict"},
    )

    with pytest.raises(ConflictError):
        await signed_client.capital.deposit_address(Blockchain.BSC)


async def test_deposits_send_from_to_in_ms_and_flags_as_text(
    mock_api: Any, signed_client: AsyncClient
) -> None:
    mock_api.get(
        f"{BASE}/wapi/v1/capital/deposits?excludePlatform=true&from=1690000000000"
        "&limit=50&offset=100&to=1700000000000",
        payload=[
            {
                "id": 1201,
                "toAddress": "7Np41oeYqPefeNQEHSv1UDhYrehxin3NStELsSKCT4K2",
                "fromAddress": None,
                "source": "solana",
                "status": "confirmed",
                "transactionHash": "5Yx...",
                "symbol": "USDC",
                "quantity": "250.000000",
                "createdAt": "2025-07-22T00:00:00",
                "fiatAmount": None,
                "fiatCurrency": None,
                "institutionBic": None,
                "platformMemo": None,
            },
            {
                "id": 1202,
                "source": "banxa",
                "status": "awaitingKyc",
                "symbol": "SOL",
                "quantity": "1.5",
                "createdAt": "2025-07-27T17:39:00.092",
                "fiatAmount": 215.37,
                "fiatCurrency": "EUR",
                "unknownField": 1,
            },
        ],
    )

    deposits = await signed_client.capital.deposits(
        from_=1_690_000_000_000, to=1_700_000_000_000, limit=50, offset=100, exclude_platform=True
    )

    assert [d.id for d in deposits] == [1201, 1202]
    assert all(isinstance(d, Deposit) for d in deposits)
    assert deposits[0].status is DepositStatus.CONFIRMED
    assert deposits[0].quantity == Decimal("250.000000")
    assert deposits[0].from_address is None
    assert deposits[0].created_at == datetime(2025, 7, 22, tzinfo=timezone.utc)
    assert deposits[1].status == "awaitingKyc"
    assert deposits[1].fiat_amount == Decimal("215.37")
    assert deposits[1].created_at == datetime(2025, 7, 27, 17, 39, 0, 92000, tzinfo=timezone.utc)
    sent = only_request(mock_api)
    assert sent.path == "/wapi/v1/capital/deposits"
    assert sent.query == [
        ("excludePlatform", "true"),
        ("from", "1690000000000"),
        ("limit", "50"),
        ("offset", "100"),
        ("to", "1700000000000"),
    ]
    assert assert_signed(sent, "depositQueryAll") == (
        "instruction=depositQueryAll&excludePlatform=true&from=1690000000000&limit=50"
        "&offset=100&to=1700000000000&timestamp=1700000000000&window=5000"
    )


async def test_deposits_convert_aware_datetimes_to_epoch_milliseconds(
    mock_api: Any, signed_client: AsyncClient
) -> None:
    mock_api.get(f"{BASE}/wapi/v1/capital/deposits?from=1672531200000&to=1672617600500", payload=[])
    # 01:00 at UTC+1 is midnight UTC on 2023-01-01 (1672531200000 ms).
    start = datetime(2023, 1, 1, 1, 0, tzinfo=timezone(timedelta(hours=1)))
    end = datetime(2023, 1, 2, 0, 0, 0, 500_000, tzinfo=timezone.utc)

    assert await signed_client.capital.deposits(from_=start, to=end) == []

    sent = only_request(mock_api)
    assert sent.query == [("from", "1672531200000"), ("to", "1672617600500")]
    assert_signed(sent, "depositQueryAll")


async def test_deposits_without_filters_are_signed_without_params(
    mock_api: Any, signed_client: AsyncClient
) -> None:
    mock_api.get(f"{BASE}/wapi/v1/capital/deposits", payload=[])

    assert await signed_client.capital.deposits() == []

    sent = only_request(mock_api)
    assert sent.query == []
    assert assert_signed(sent, "depositQueryAll") == (
        "instruction=depositQueryAll&timestamp=1700000000000&window=5000"
    )


async def test_withdrawals_send_id_client_id_and_range_filters(
    mock_api: Any, signed_client: AsyncClient
) -> None:
    mock_api.get(
        f"{BASE}/wapi/v1/capital/withdrawals?clientId=payout-17&from=1690000000000&id=58113"
        "&limit=1&to=1700000000000",
        payload=[WITHDRAWAL, {**WITHDRAWAL, "id": 58114, "blockchain": "Kaspa", "status": "void"}],
    )

    withdrawals = await signed_client.capital.withdrawals(
        from_=1_690_000_000_000,
        to=1_700_000_000_000,
        limit=1,
        withdrawal_id=58113,
        client_id="payout-17",
    )

    assert all(isinstance(w, Withdrawal) for w in withdrawals)
    first, second = withdrawals
    assert first.blockchain is Blockchain.SOLANA
    assert first.status is WithdrawalStatus.PENDING
    assert first.quantity == Decimal("10.50")
    assert first.fee == Decimal("0.001")
    assert first.is_internal is False
    assert first.identifier is None
    assert first.created_at == datetime(2025, 7, 27, 17, 39, 0, 92000, tzinfo=timezone.utc)
    assert (second.blockchain, second.status) == ("Kaspa", "void")
    sent = only_request(mock_api)
    assert sent.path == "/wapi/v1/capital/withdrawals"
    assert sent.query == [
        ("clientId", "payout-17"),
        ("from", "1690000000000"),
        ("id", "58113"),
        ("limit", "1"),
        ("to", "1700000000000"),
    ]
    assert_signed(sent, "withdrawalQueryAll")


async def test_withdraw_posts_the_exact_body_and_signs_it(
    mock_api: Any, signed_client: AsyncClient
) -> None:
    mock_api.post(f"{BASE}/wapi/v1/capital/withdrawals", payload=WITHDRAWAL)

    result = await signed_client.capital.withdraw(
        "USDC",
        Blockchain.SOLANA,
        "9xQeWvG816bUx9EPjHmaT23yvVM2ZWbrrpZb9PusVFin",
        Decimal("10.50"),
        client_id="payout-17",
        two_factor_token="123456",
        auto_borrow=False,
        auto_lend_redeem=True,
    )

    assert isinstance(result, Withdrawal)
    assert result.id == 58113
    sent = only_request(mock_api)
    assert (sent.method, sent.path, sent.query) == ("POST", "/wapi/v1/capital/withdrawals", [])
    assert sent.body == {
        "address": "9xQeWvG816bUx9EPjHmaT23yvVM2ZWbrrpZb9PusVFin",
        "blockchain": "Solana",
        "clientId": "payout-17",
        "quantity": "10.50",
        "symbol": "USDC",
        "twoFactorToken": "123456",
        "autoBorrow": False,
        "autoLendRedeem": True,
    }
    assert assert_signed(sent, "withdraw") == (
        "instruction=withdraw&address=9xQeWvG816bUx9EPjHmaT23yvVM2ZWbrrpZb9PusVFin"
        "&autoBorrow=false&autoLendRedeem=true&blockchain=Solana&clientId=payout-17"
        "&quantity=10.50&symbol=USDC&twoFactorToken=123456&timestamp=1700000000000&window=5000"
    )


_RECIPIENT_JSON = (
    '{"sanctions_representation":true,"withdrawal_address_id":7,"withdrawal_purpose":"payment"}'
)


@pytest.mark.parametrize(
    "recipient",
    [
        {
            "withdrawal_purpose": "payment",
            "withdrawal_address_id": 7,
            "sanctions_representation": True,
        },
        WithdrawalRecipientInformation(
            withdrawal_address_id=7, withdrawal_purpose="payment", sanctions_representation=True
        ),
    ],
    ids=["mapping", "model"],
)
async def test_withdraw_sends_and_signs_recipient_information_as_the_same_compact_json(
    mock_api: Any, signed_client: AsyncClient, recipient: Any
) -> None:
    mock_api.post(f"{BASE}/wapi/v1/capital/withdrawals", payload=WITHDRAWAL)

    await signed_client.capital.withdraw(
        "USDC", "Solana", "addr1", "10.50", recipient_information=recipient
    )

    sent = only_request(mock_api)
    # Keys stay snake_case on the wire, in key order, with no whitespace.
    assert sent.body["recipientInformation"] == json.loads(_RECIPIENT_JSON)
    assert sent.raw_body is not None
    assert f'"recipientInformation":{_RECIPIENT_JSON}'.encode() in sent.raw_body
    message = assert_signed(sent, "withdraw")
    assert f"&recipientInformation={_RECIPIENT_JSON}&" in message
    assert message == (
        "instruction=withdraw&address=addr1&blockchain=Solana&quantity=10.50"
        f"&recipientInformation={_RECIPIENT_JSON}&symbol=USDC"
        "&timestamp=1700000000000&window=5000"
    )


async def test_withdraw_drops_unset_recipient_fields_from_body_and_signature(
    mock_api: Any, signed_client: AsyncClient
) -> None:
    mock_api.post(f"{BASE}/wapi/v1/capital/withdrawals", payload=WITHDRAWAL)

    await signed_client.capital.withdraw(
        "USDC", "Solana", "addr1", "1", recipient_information={"withdrawal_address_id": 12}
    )

    sent = only_request(mock_api)
    assert sent.raw_body is not None
    assert b'"recipientInformation":{"withdrawal_address_id":12}' in sent.raw_body
    assert '&recipientInformation={"withdrawal_address_id":12}&' in assert_signed(sent, "withdraw")


async def test_withdraw_is_not_retried_after_a_server_error(
    mock_api: Any, signed_client: AsyncClient
) -> None:
    url = f"{BASE}/wapi/v1/capital/withdrawals"
    mock_api.post(url, status=503, payload={"code": "MAINTENANCE", "message": "Maintenance"})
    mock_api.post(url, payload=WITHDRAWAL)

    with pytest.raises(ServiceUnavailableError):
        await signed_client.capital.withdraw("USDC", "Solana", "addr1", "10")

    assert len(sent_requests(mock_api)) == 1


async def test_withdraw_is_not_retried_after_a_timeout(
    mock_api: Any, signed_client: AsyncClient
) -> None:
    url = f"{BASE}/wapi/v1/capital/withdrawals"
    mock_api.post(url, exception=asyncio.TimeoutError())
    mock_api.post(url, payload=WITHDRAWAL)

    with pytest.raises(RequestTimeoutError):
        await signed_client.capital.withdraw("USDC", "Solana", "addr1", "10")

    assert len(sent_requests(mock_api)) == 1


async def test_withdrawal_delay_is_sent_unsigned_even_by_a_client_with_keys(
    mock_api: Any, signed_client: AsyncClient
) -> None:
    mock_api.get(
        f"{BASE}/wapi/v1/capital/withdrawals/delay",
        payload={
            "currentWithdrawalDelayHours": 24,
            "pendingWithdrawalDelayHours": 48,
            "pendingWithdrawalDelayHoursEnabledAt": "2025-08-01T12:00:00",
            "newField": None,
        },
    )

    delay = await signed_client.capital.withdrawal_delay()

    assert isinstance(delay, WithdrawalDelay)
    assert delay.current_withdrawal_delay_hours == 24
    assert delay.pending_withdrawal_delay_hours == 48
    assert delay.pending_withdrawal_delay_hours_enabled_at == datetime(
        2025, 8, 1, 12, tzinfo=timezone.utc
    )
    sent = only_request(mock_api)
    assert (sent.method, sent.path, sent.query) == (
        "GET",
        "/wapi/v1/capital/withdrawals/delay",
        [],
    )
    assert_unsigned(sent)


async def test_withdrawal_delay_returns_none_on_204(mock_api: Any, client: AsyncClient) -> None:
    mock_api.get(f"{BASE}/wapi/v1/capital/withdrawals/delay", status=204)

    assert await client.capital.withdrawal_delay() is None
    sent = only_request(mock_api)
    assert (sent.method, sent.path, sent.query) == ("GET", "/wapi/v1/capital/withdrawals/delay", [])
    assert_unsigned(sent)


async def test_withdrawal_delay_refused_without_session_raises_authentication_error(
    mock_api: Any, signed_client: AsyncClient
) -> None:
    mock_api.get(
        f"{BASE}/wapi/v1/capital/withdrawals/delay",
        status=401,
        payload={"code": "UNAUTHORIZED", "message": "Unauthorized"},
    )

    with pytest.raises(AuthenticationError):
        await signed_client.capital.withdrawal_delay()


async def test_create_withdrawal_delay_posts_hours_and_token_unsigned(
    mock_api: Any, signed_client: AsyncClient
) -> None:
    mock_api.post(f"{BASE}/wapi/v1/capital/withdrawals/delay", status=200, body="")

    await signed_client.capital.create_withdrawal_delay(24, "654321")

    sent = only_request(mock_api)
    assert (sent.method, sent.path) == ("POST", "/wapi/v1/capital/withdrawals/delay")
    assert sent.body == {"withdrawalDelayHours": 24, "twoFactorToken": "654321"}
    assert_unsigned(sent)


async def test_create_withdrawal_delay_when_one_exists_raises_conflict(
    mock_api: Any, signed_client: AsyncClient
) -> None:
    mock_api.post(
        f"{BASE}/wapi/v1/capital/withdrawals/delay",
        status=409,
        payload={"code": "INVALID_CLIENT_REQUEST", "message": "Withdrawal delay already exists"},
    )

    with pytest.raises(ConflictError):
        await signed_client.capital.create_withdrawal_delay(24, "654321")


async def test_update_withdrawal_delay_patches_unsigned_and_types_the_answer(
    mock_api: Any, signed_client: AsyncClient
) -> None:
    mock_api.patch(
        f"{BASE}/wapi/v1/capital/withdrawals/delay",
        payload={
            "currentWithdrawalDelayHours": 24,
            "pendingWithdrawalDelayHours": 72,
            "pendingWithdrawalDelayHoursEnabledAt": None,
        },
    )

    delay = await signed_client.capital.update_withdrawal_delay(72, "111222")

    assert delay.pending_withdrawal_delay_hours == 72
    assert delay.pending_withdrawal_delay_hours_enabled_at is None
    sent = only_request(mock_api)
    assert (sent.method, sent.path) == ("PATCH", "/wapi/v1/capital/withdrawals/delay")
    assert sent.body == {"withdrawalDelayHours": 72, "twoFactorToken": "111222"}
    assert_unsigned(sent)


def _withdraw(**overrides: Any) -> Callable[[AsyncClient], Awaitable[Any]]:
    args: dict[str, Any] = {
        "symbol": "USDC",
        "blockchain": "Solana",
        "address": "addr1",
        "quantity": "10",
    }
    args.update(overrides)
    return lambda c: c.capital.withdraw(**args)


_REJECTED: dict[str, Callable[[AsyncClient], Awaitable[Any]]] = {
    "collateral subaccount above uint16": lambda c: c.capital.collateral(70_000),
    "deposit address empty blockchain": lambda c: c.capital.deposit_address(""),
    "deposit address blank blockchain": lambda c: c.capital.deposit_address("  "),
    "deposits naive datetime": lambda c: c.capital.deposits(from_=datetime(2024, 1, 1)),
    "deposits float from": lambda c: c.capital.deposits(from_=1.7e12),  # type: ignore[arg-type]
    "deposits from after to": lambda c: c.capital.deposits(from_=2_000, to=1_000),
    "deposits limit zero": lambda c: c.capital.deposits(limit=0),
    "deposits limit above 1000": lambda c: c.capital.deposits(limit=1001),
    "deposits negative offset": lambda c: c.capital.deposits(offset=-1),
    "deposits text boolean": lambda c: c.capital.deposits(exclude_platform="true"),  # type: ignore[arg-type]
    "withdrawals negative id": lambda c: c.capital.withdrawals(withdrawal_id=-5),
    "withdrawals client id too long": lambda c: c.capital.withdrawals(client_id="x" * 256),
    "withdraw zero quantity": _withdraw(quantity="0"),
    "withdraw negative quantity": _withdraw(quantity=Decimal("-10")),
    "withdraw float quantity": _withdraw(quantity=10.5),
    "withdraw missing symbol": _withdraw(symbol=""),
    "withdraw missing address": _withdraw(address=""),
    "withdraw client id too long": _withdraw(client_id="x" * 256),
    "withdraw recipient without address id": _withdraw(
        recipient_information={"withdrawal_purpose": "payment"}
    ),
    "withdraw recipient with camelCase key": _withdraw(
        recipient_information={"withdrawalAddressId": 7}
    ),
    "withdraw recipient with unknown key": _withdraw(
        recipient_information={"withdrawal_address_id": 7, "note": "x"}
    ),
    "create delay negative hours": lambda c: c.capital.create_withdrawal_delay(-1, "123456"),
    "create delay empty token": lambda c: c.capital.create_withdrawal_delay(24, ""),
    "update delay text hours": lambda c: c.capital.update_withdrawal_delay(
        "24",  # type: ignore[arg-type]
        "123456",
    ),
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
