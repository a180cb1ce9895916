"""Perpetuals through the FakeExchange's REST API, as a bot sees them with the SDK client."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from decimal import Decimal

import pytest

from bpx_async import AsyncClient
from bpx_async.errors import APIError, NotFoundError
from bpx_async.testing import FakeExchange

PERP = "SOL_USDC_PERP"
D = Decimal


@pytest.fixture
async def bot(fx: FakeExchange) -> AsyncIterator[AsyncClient]:
    api_key, secret = fx.add_account({"USDC": "10000"})
    async with AsyncClient(api_key, secret, base_url=fx.base_url) as client:
        yield client


async def test_a_market_buy_opens_a_position_that_rest_reports(
    fx: FakeExchange, bot: AsyncClient
) -> None:
    order = await bot.orders.execute(PERP, "Bid", "Market", quantity="2")
    assert order.status == "Filled"

    [position] = await bot.positions.list()
    assert (position.symbol, position.net_quantity) == (PERP, D(2))
    assert position.entry_price == D("150.02")  # the house's best seeded ask
    assert (await bot.positions.list(symbol=PERP))[0].position_id == position.position_id
    fx.set_mark_price(PERP, "160.02")
    [marked] = await bot.positions.list()
    assert marked.pnl_unrealized == D(20)
    assert (await bot.capital.balances())["USDC"].available < D(10000)  # only fees so far


async def test_no_position_on_a_symbol_is_not_found(bot: AsyncClient) -> None:
    assert await bot.positions.list() == []
    with pytest.raises(NotFoundError):
        await bot.positions.list(symbol=PERP)


async def test_closing_shows_in_position_history_and_funding_in_funding_history(
    fx: FakeExchange, bot: AsyncClient
) -> None:
    await bot.orders.execute(PERP, "Bid", "Market", quantity="1")
    assert fx.settle_funding(PERP, rate="0.001") >= 2  # the bot and the house
    await bot.orders.execute(PERP, "Ask", "Market", quantity="1", reduce_only=True)

    [row] = await bot.history.positions()
    assert (row.symbol, row.state, row.net_quantity) == (PERP, "Closed", D(0))
    [payment] = await bot.history.funding()
    assert (payment.symbol, payment.funding_rate) == (PERP, D("0.001"))
    assert payment.quantity < 0  # a long pays a positive rate


async def test_margin_rejection_and_mark_prices_through_rest(
    fx: FakeExchange, bot: AsyncClient
) -> None:
    with pytest.raises(APIError) as caught:
        await bot.orders.execute(PERP, "Bid", "Limit", quantity="1000", price="140")
    assert (caught.value.status, caught.value.code) == (400, "INSUFFICIENT_MARGIN")

    fx.set_mark_price(PERP, "151", index_price="150.5")
    fx.engine.set_funding_rate(PERP, D("-0.0002"))
    [mark] = [m for m in await bot.markets.mark_prices() if m.symbol == PERP]
    assert (mark.mark_price, mark.index_price, mark.funding_rate) == (
        D(151),
        D("150.5"),
        D("-0.0002"),
    )


async def test_collateral_reports_futures_exposure_and_unrealized_pnl(
    fx: FakeExchange, bot: AsyncClient
) -> None:
    await bot.orders.execute(PERP, "Bid", "Market", quantity="10")
    fx.set_mark_price(PERP, "140.02")

    summary = await bot.capital.collateral()
    # Bought 5 at 150.02 and 5 at 150.03 (two seeded levels), marked at 140.02.
    assert summary.pnl_unrealized == D("-100.05")
    assert summary.net_exposure_futures == D("1400.20")
    assert summary.margin_fraction is not None and summary.margin_fraction > 1


async def test_an_attached_stop_loss_waits_pending_and_fires_on_a_mark_move(
    fx: FakeExchange, bot: AsyncClient
) -> None:
    entry = await bot.orders.execute(
        PERP,
        "Bid",
        "Market",
        quantity="2",
        stop_loss_trigger_price="140",
        stop_loss_trigger_by="MarkPrice",
    )
    [stop] = await bot.orders.open(PERP)
    assert (stop.status, stop.related_order_id, stop.trigger_price) == (
        "TriggerPending",
        entry.id,
        D(140),
    )
    assert (await bot.account.get()).trigger_orders == 1

    fx.set_mark_price(PERP, "139.5")

    assert await bot.positions.list() == []
    [row] = await bot.history.orders(order_id=stop.id)
    assert row.status == "Filled"


async def test_the_account_leverage_limit_moves_the_margin_check(
    fx: FakeExchange, bot: AsyncClient
) -> None:
    fx.set_mark_price(PERP, "150")
    # 10,000 USDC: 100 SOL marked at 150 need 1,500 at 10x (the default), 15,000 at 1x.
    await bot.account.update(leverage_limit="1")
    with pytest.raises(APIError) as caught:
        await bot.orders.execute(PERP, "Bid", "Limit", quantity="100", price="140")
    assert caught.value.code == "INSUFFICIENT_MARGIN"

    await bot.account.update(leverage_limit="10")
    placed = await bot.orders.execute(PERP, "Bid", "Limit", quantity="100", price="140")
    assert placed.status == "New"


async def test_the_funding_schedule_pays_when_the_server_clock_passes_a_funding_time() -> None:
    async with FakeExchange(funding_schedule=True) as fx:
        api_key, secret = fx.add_account({"USDC": "10000"})
        # The client signs with the server's clock, which the test moves forward.
        async with AsyncClient(api_key, secret, base_url=fx.base_url, clock=fx.now_ms) as client:
            await client.orders.execute(PERP, "Bid", "Market", quantity="1")
            assert await client.history.funding() == []

            fx.clock_offset_ms += 8 * 3_600_000  # one funding interval later
            [payment] = await client.history.funding()
            assert payment.funding_rate == D("0.0001") and payment.quantity < 0

            fx.clock_offset_ms += 16 * 3_600_000  # two more
            assert len(await client.history.funding()) == 3


async def test_subscribing_to_position_updates_sends_the_open_positions_first(
    fx: FakeExchange,
) -> None:
    from bpx_async.streams import PositionUpdate

    api_key, secret = fx.add_account({"USDC": "10000"})

    async def first_event() -> PositionUpdate:
        async with AsyncClient(api_key, secret, base_url=fx.base_url, ws_url=fx.ws_url) as bot:
            await bot.orders.execute(PERP, "Bid", "Market", quantity="2")
            async with bot.stream(["account.positionUpdate"]) as stream:
                async for event in stream:
                    assert isinstance(event, PositionUpdate)
                    return event
        raise AssertionError("the stream ended without an event")

    snapshot = await asyncio.wait_for(first_event(), 10)
    assert snapshot.is_snapshot
    assert (snapshot.symbol, snapshot.net_quantity) == (PERP, D(2))
