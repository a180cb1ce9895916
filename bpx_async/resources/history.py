"""The account's history: fills, orders, funding, settlements, interest, RFQs and more.

Every ``GET /wapi/v1/history/*`` operation is a method returning one page, with an ``iter_*``
twin that walks all pages (``async for fill in client.history.iter_fills(symbol="SOL_USDC")``).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from datetime import datetime
from typing import Union

from ..endpoints import history as ep
from ..models.enums import (
    BorrowLendEventType,
    BorrowLendPositionState,
    BorrowLendSide,
    BorrowLendSource,
    FillType,
    InterestPaymentSource,
    MarketType,
    OrderStatus,
    PositionState,
    RfqFillType,
    SettlementSourceFilter,
    Side,
    SortDirection,
)
from ..models.history import (
    BorrowLendMovement,
    BorrowLendPositionRow,
    DustConversion,
    FundingPayment,
    InterestPayment,
    Order,
    OrderFill,
    PositionHistoryRow,
    QuoteFillHistorical,
    QuoteHistorical,
    RequestForQuoteFillHistorical,
    RequestForQuoteHistorical,
    Settlement,
    Strategy,
)
from ._base import Resource
from ._paging import DEFAULT_PAGE_SIZE, paginate_endpoint

__all__ = ["History"]

#: One market type or several; several are sent as repeated ``marketType`` keys.
MarketTypeArg = Union[MarketType, str, Sequence[Union[MarketType, str]]]


class History(Resource):
    """The account's history: fills, orders, funding, settlements, interest, RFQs and more.

    All methods are signed. ``limit``/``offset`` page the results (REFERENCE 6.4); the
    ``iter_*`` methods walk every page for you.
    """

    __slots__ = ()

    async def fills(
        self,
        *,
        symbol: str | None = None,
        order_id: str | None = None,
        strategy_id: str | None = None,
        from_: int | datetime | None = None,
        to: int | datetime | None = None,
        fill_type: FillType | str | None = None,
        market_type: MarketTypeArg | None = None,
        sort_direction: SortDirection | str | None = None,
        limit: int | None = None,
        offset: int | None = None,
    ) -> list[OrderFill]:
        """Fills of the account. System fills (liquidation, ADL, collateral conversion) are
        included unless ``fill_type="User"``. ``from_``/``to`` bound the fill time: an int of
        milliseconds since the epoch or a timezone-aware ``datetime``.

        One page of at most ``limit`` rows (1..1000, default 100) from ``offset``.
        ``GET /wapi/v1/history/fills``.
        """
        return await self._client.request(
            ep.FILLS,
            {
                "symbol": symbol,
                "order_id": order_id,
                "strategy_id": strategy_id,
                "from_": from_,
                "to": to,
                "fill_type": fill_type,
                "market_type": market_type,
                "sort_direction": sort_direction,
                "limit": limit,
                "offset": offset,
            },
        )

    def iter_fills(
        self,
        *,
        symbol: str | None = None,
        order_id: str | None = None,
        strategy_id: str | None = None,
        from_: int | datetime | None = None,
        to: int | datetime | None = None,
        fill_type: FillType | str | None = None,
        market_type: MarketTypeArg | None = None,
        sort_direction: SortDirection | str | None = None,
        offset: int = 0,
        page_size: int = DEFAULT_PAGE_SIZE,
        max_items: int | None = None,
    ) -> AsyncIterator[OrderFill]:
        """Every row of :meth:`fills` from ``offset`` on, ``page_size`` per request.

        Stops after a short page or ``max_items`` rows.
        ``GET /wapi/v1/history/fills``.
        """
        return paginate_endpoint(
            self._client,
            ep.FILLS,
            {
                "symbol": symbol,
                "order_id": order_id,
                "strategy_id": strategy_id,
                "from_": from_,
                "to": to,
                "fill_type": fill_type,
                "market_type": market_type,
                "sort_direction": sort_direction,
            },
            page_size=page_size,
            start_offset=offset,
            max_items=max_items,
        )

    async def orders(
        self,
        *,
        symbol: str | None = None,
        order_id: str | None = None,
        strategy_id: str | None = None,
        market_type: MarketTypeArg | None = None,
        sort_direction: SortDirection | str | None = None,
        limit: int | None = None,
        offset: int | None = None,
    ) -> list[Order]:
        """Orders of the account in any state (filled, cancelled, expired ...).

        One page of at most ``limit`` rows (1..1000, default 100) from ``offset``.
        ``GET /wapi/v1/history/orders``.
        """
        return await self._client.request(
            ep.ORDERS,
            {
                "symbol": symbol,
                "order_id": order_id,
                "strategy_id": strategy_id,
                "market_type": market_type,
                "sort_direction": sort_direction,
                "limit": limit,
                "offset": offset,
            },
        )

    def iter_orders(
        self,
        *,
        symbol: str | None = None,
        order_id: str | None = None,
        strategy_id: str | None = None,
        market_type: MarketTypeArg | None = None,
        sort_direction: SortDirection | str | None = None,
        offset: int = 0,
        page_size: int = DEFAULT_PAGE_SIZE,
        max_items: int | None = None,
    ) -> AsyncIterator[Order]:
        """Every row of :meth:`orders` from ``offset`` on, ``page_size`` per request.

        Stops after a short page or ``max_items`` rows.
        ``GET /wapi/v1/history/orders``.
        """
        return paginate_endpoint(
            self._client,
            ep.ORDERS,
            {
                "symbol": symbol,
                "order_id": order_id,
                "strategy_id": strategy_id,
                "market_type": market_type,
                "sort_direction": sort_direction,
            },
            page_size=page_size,
            start_offset=offset,
            max_items=max_items,
        )

    async def funding(
        self,
        *,
        symbol: str | None = None,
        subaccount_id: int | None = None,
        sort_direction: SortDirection | str | None = None,
        limit: int | None = None,
        offset: int | None = None,
    ) -> list[FundingPayment]:
        """Funding payments on perpetual positions.

        One page of at most ``limit`` rows (1..1000, default 100) from ``offset``.
        ``GET /wapi/v1/history/funding``.
        """
        return await self._client.request(
            ep.FUNDING,
            {
                "symbol": symbol,
                "subaccount_id": subaccount_id,
                "sort_direction": sort_direction,
                "limit": limit,
                "offset": offset,
            },
        )

    def iter_funding(
        self,
        *,
        symbol: str | None = None,
        subaccount_id: int | None = None,
        sort_direction: SortDirection | str | None = None,
        offset: int = 0,
        page_size: int = DEFAULT_PAGE_SIZE,
        max_items: int | None = None,
    ) -> AsyncIterator[FundingPayment]:
        """Every row of :meth:`funding` from ``offset`` on, ``page_size`` per request.

        Stops after a short page or ``max_items`` rows.
        ``GET /wapi/v1/history/funding``.
        """
        return paginate_endpoint(
            self._client,
            ep.FUNDING,
            {
                "symbol": symbol,
                "subaccount_id": subaccount_id,
                "sort_direction": sort_direction,
            },
            page_size=page_size,
            start_offset=offset,
            max_items=max_items,
        )

    async def settlement(
        self,
        *,
        source: SettlementSourceFilter | str | None = None,
        sort_direction: SortDirection | str | None = None,
        limit: int | None = None,
        offset: int | None = None,
    ) -> list[Settlement]:
        """Settlements (trading fees, funding, realized PnL ...), filtered by ``source``.

        One page of at most ``limit`` rows (1..1000, default 100) from ``offset``.
        ``GET /wapi/v1/history/settlement``.
        """
        return await self._client.request(
            ep.SETTLEMENT,
            {
                "source": source,
                "sort_direction": sort_direction,
                "limit": limit,
                "offset": offset,
            },
        )

    def iter_settlement(
        self,
        *,
        source: SettlementSourceFilter | str | None = None,
        sort_direction: SortDirection | str | None = None,
        offset: int = 0,
        page_size: int = DEFAULT_PAGE_SIZE,
        max_items: int | None = None,
    ) -> AsyncIterator[Settlement]:
        """Every row of :meth:`settlement` from ``offset`` on, ``page_size`` per request.

        Stops after a short page or ``max_items`` rows.
        ``GET /wapi/v1/history/settlement``.
        """
        return paginate_endpoint(
            self._client,
            ep.SETTLEMENT,
            {
                "source": source,
                "sort_direction": sort_direction,
            },
            page_size=page_size,
            start_offset=offset,
            max_items=max_items,
        )

    async def interest(
        self,
        *,
        asset: str | None = None,
        symbol: str | None = None,
        position_id: str | None = None,
        source: InterestPaymentSource | str | None = None,
        sort_direction: SortDirection | str | None = None,
        limit: int | None = None,
        offset: int | None = None,
    ) -> list[InterestPayment]:
        """Interest payments on borrow/lend positions and on unrealized PnL.

        One page of at most ``limit`` rows (1..1000, default 100) from ``offset``.
        ``GET /wapi/v1/history/interest``.
        """
        return await self._client.request(
            ep.INTEREST,
            {
                "asset": asset,
                "symbol": symbol,
                "position_id": position_id,
                "source": source,
                "sort_direction": sort_direction,
                "limit": limit,
                "offset": offset,
            },
        )

    def iter_interest(
        self,
        *,
        asset: str | None = None,
        symbol: str | None = None,
        position_id: str | None = None,
        source: InterestPaymentSource | str | None = None,
        sort_direction: SortDirection | str | None = None,
        offset: int = 0,
        page_size: int = DEFAULT_PAGE_SIZE,
        max_items: int | None = None,
    ) -> AsyncIterator[InterestPayment]:
        """Every row of :meth:`interest` from ``offset`` on, ``page_size`` per request.

        Stops after a short page or ``max_items`` rows.
        ``GET /wapi/v1/history/interest``.
        """
        return paginate_endpoint(
            self._client,
            ep.INTEREST,
            {
                "asset": asset,
                "symbol": symbol,
                "position_id": position_id,
                "source": source,
                "sort_direction": sort_direction,
            },
            page_size=page_size,
            start_offset=offset,
            max_items=max_items,
        )

    async def borrow_lend(
        self,
        *,
        symbol: str | None = None,
        event_type: BorrowLendEventType | str | None = None,
        sources: BorrowLendSource | str | Sequence[BorrowLendSource | str] | None = None,
        position_id: str | None = None,
        sort_direction: SortDirection | str | None = None,
        limit: int | None = None,
        offset: int | None = None,
    ) -> list[BorrowLendMovement]:
        """Borrow, repay, lend and redeem movements.

        ``event_type`` is the API's ``type`` filter. ``sources`` is sent as ONE comma-separated
        value (``sources=Manual,AutoLend``): pass a sequence of :class:`BorrowLendSource` (or
        their names), a single source, or the comma-separated text itself.

        One page of at most ``limit`` rows (1..1000, default 100) from ``offset``.
        ``GET /wapi/v1/history/borrowLend``.
        """
        return await self._client.request(
            ep.BORROW_LEND,
            {
                "symbol": symbol,
                "event_type": event_type,
                "sources": sources,
                "position_id": position_id,
                "sort_direction": sort_direction,
                "limit": limit,
                "offset": offset,
            },
        )

    def iter_borrow_lend(
        self,
        *,
        symbol: str | None = None,
        event_type: BorrowLendEventType | str | None = None,
        sources: BorrowLendSource | str | Sequence[BorrowLendSource | str] | None = None,
        position_id: str | None = None,
        sort_direction: SortDirection | str | None = None,
        offset: int = 0,
        page_size: int = DEFAULT_PAGE_SIZE,
        max_items: int | None = None,
    ) -> AsyncIterator[BorrowLendMovement]:
        """Every row of :meth:`borrow_lend` from ``offset`` on, ``page_size`` per request.

        Stops after a short page or ``max_items`` rows.
        ``GET /wapi/v1/history/borrowLend``.
        """
        return paginate_endpoint(
            self._client,
            ep.BORROW_LEND,
            {
                "symbol": symbol,
                "event_type": event_type,
                "sources": sources,
                "position_id": position_id,
                "sort_direction": sort_direction,
            },
            page_size=page_size,
            start_offset=offset,
            max_items=max_items,
        )

    async def borrow_lend_positions(
        self,
        *,
        symbol: str | None = None,
        side: BorrowLendSide | str | None = None,
        state: BorrowLendPositionState | str | None = None,
        sort_direction: SortDirection | str | None = None,
        limit: int | None = None,
        offset: int | None = None,
    ) -> list[BorrowLendPositionRow]:
        """Borrow/lend positions, open and closed.

        One page of at most ``limit`` rows (1..1000, default 100) from ``offset``.
        ``GET /wapi/v1/history/borrowLend/positions``.
        """
        return await self._client.request(
            ep.BORROW_LEND_POSITIONS,
            {
                "symbol": symbol,
                "side": side,
                "state": state,
                "sort_direction": sort_direction,
                "limit": limit,
                "offset": offset,
            },
        )

    def iter_borrow_lend_positions(
        self,
        *,
        symbol: str | None = None,
        side: BorrowLendSide | str | None = None,
        state: BorrowLendPositionState | str | None = None,
        sort_direction: SortDirection | str | None = None,
        offset: int = 0,
        page_size: int = DEFAULT_PAGE_SIZE,
        max_items: int | None = None,
    ) -> AsyncIterator[BorrowLendPositionRow]:
        """Every row of :meth:`borrow_lend_positions` from ``offset`` on, ``page_size`` per request.

        Stops after a short page or ``max_items`` rows.
        ``GET /wapi/v1/history/borrowLend/positions``.
        """
        return paginate_endpoint(
            self._client,
            ep.BORROW_LEND_POSITIONS,
            {
                "symbol": symbol,
                "side": side,
                "state": state,
                "sort_direction": sort_direction,
            },
            page_size=page_size,
            start_offset=offset,
            max_items=max_items,
        )

    async def dust(
        self,
        *,
        symbol: str | None = None,
        conversion_id: int | None = None,
        sort_direction: SortDirection | str | None = None,
        limit: int | None = None,
        offset: int | None = None,
    ) -> list[DustConversion]:
        """Dust conversions into USDC; ``conversion_id`` selects one.

        One page of at most ``limit`` rows (1..1000, default 100) from ``offset``.
        ``GET /wapi/v1/history/dust``.
        """
        return await self._client.request(
            ep.DUST,
            {
                "symbol": symbol,
                "id": conversion_id,
                "sort_direction": sort_direction,
                "limit": limit,
                "offset": offset,
            },
        )

    def iter_dust(
        self,
        *,
        symbol: str | None = None,
        conversion_id: int | None = None,
        sort_direction: SortDirection | str | None = None,
        offset: int = 0,
        page_size: int = DEFAULT_PAGE_SIZE,
        max_items: int | None = None,
    ) -> AsyncIterator[DustConversion]:
        """Every row of :meth:`dust` from ``offset`` on, ``page_size`` per request.

        Stops after a short page or ``max_items`` rows.
        ``GET /wapi/v1/history/dust``.
        """
        return paginate_endpoint(
            self._client,
            ep.DUST,
            {
                "symbol": symbol,
                "id": conversion_id,
                "sort_direction": sort_direction,
            },
            page_size=page_size,
            start_offset=offset,
            max_items=max_items,
        )

    async def positions(
        self,
        *,
        symbol: str | None = None,
        state: PositionState | str | None = None,
        market_type: MarketTypeArg | None = None,
        sort_direction: SortDirection | str | None = None,
        limit: int | None = None,
        offset: int | None = None,
    ) -> list[PositionHistoryRow]:
        """Futures positions, open and closed.

        One page of at most ``limit`` rows (1..1000, default 100) from ``offset``.
        ``GET /wapi/v1/history/position``.
        """
        return await self._client.request(
            ep.POSITIONS,
            {
                "symbol": symbol,
                "state": state,
                "market_type": market_type,
                "sort_direction": sort_direction,
                "limit": limit,
                "offset": offset,
            },
        )

    def iter_positions(
        self,
        *,
        symbol: str | None = None,
        state: PositionState | str | None = None,
        market_type: MarketTypeArg | None = None,
        sort_direction: SortDirection | str | None = None,
        offset: int = 0,
        page_size: int = DEFAULT_PAGE_SIZE,
        max_items: int | None = None,
    ) -> AsyncIterator[PositionHistoryRow]:
        """Every row of :meth:`positions` from ``offset`` on, ``page_size`` per request.

        Stops after a short page or ``max_items`` rows.
        ``GET /wapi/v1/history/position``.
        """
        return paginate_endpoint(
            self._client,
            ep.POSITIONS,
            {
                "symbol": symbol,
                "state": state,
                "market_type": market_type,
                "sort_direction": sort_direction,
            },
            page_size=page_size,
            start_offset=offset,
            max_items=max_items,
        )

    async def rfq(
        self,
        *,
        symbol: str | None = None,
        rfq_id: str | None = None,
        status: OrderStatus | str | None = None,
        side: Side | str | None = None,
        deferred_settlement: bool | None = None,
        sort_direction: SortDirection | str | None = None,
        limit: int | None = None,
        offset: int | None = None,
    ) -> list[RequestForQuoteHistorical]:
        """RFQs the account submitted.

        One page of at most ``limit`` rows (1..1000, default 100) from ``offset``.
        ``GET /wapi/v1/history/rfq``.
        """
        return await self._client.request(
            ep.RFQ,
            {
                "symbol": symbol,
                "rfq_id": rfq_id,
                "status": status,
                "side": side,
                "deferred_settlement": deferred_settlement,
                "sort_direction": sort_direction,
                "limit": limit,
                "offset": offset,
            },
        )

    def iter_rfq(
        self,
        *,
        symbol: str | None = None,
        rfq_id: str | None = None,
        status: OrderStatus | str | None = None,
        side: Side | str | None = None,
        deferred_settlement: bool | None = None,
        sort_direction: SortDirection | str | None = None,
        offset: int = 0,
        page_size: int = DEFAULT_PAGE_SIZE,
        max_items: int | None = None,
    ) -> AsyncIterator[RequestForQuoteHistorical]:
        """Every row of :meth:`rfq` from ``offset`` on, ``page_size`` per request.

        Stops after a short page or ``max_items`` rows.
        ``GET /wapi/v1/history/rfq``.
        """
        return paginate_endpoint(
            self._client,
            ep.RFQ,
            {
                "symbol": symbol,
                "rfq_id": rfq_id,
                "status": status,
                "side": side,
                "deferred_settlement": deferred_settlement,
                "sort_direction": sort_direction,
            },
            page_size=page_size,
            start_offset=offset,
            max_items=max_items,
        )

    async def rfq_fills(
        self,
        *,
        symbol: str | None = None,
        quote_id: str | None = None,
        side: Side | str | None = None,
        fill_type: RfqFillType | str | None = None,
        deferred_settlement: bool | None = None,
        sort_direction: SortDirection | str | None = None,
        limit: int | None = None,
        offset: int | None = None,
    ) -> list[RequestForQuoteFillHistorical]:
        """Fills of the account's RFQs.

        One page of at most ``limit`` rows (1..1000, default 100) from ``offset``.
        ``GET /wapi/v1/history/rfq/fill``.
        """
        return await self._client.request(
            ep.RFQ_FILLS,
            {
                "symbol": symbol,
                "quote_id": quote_id,
                "side": side,
                "fill_type": fill_type,
                "deferred_settlement": deferred_settlement,
                "sort_direction": sort_direction,
                "limit": limit,
                "offset": offset,
            },
        )

    def iter_rfq_fills(
        self,
        *,
        symbol: str | None = None,
        quote_id: str | None = None,
        side: Side | str | None = None,
        fill_type: RfqFillType | str | None = None,
        deferred_settlement: bool | None = None,
        sort_direction: SortDirection | str | None = None,
        offset: int = 0,
        page_size: int = DEFAULT_PAGE_SIZE,
        max_items: int | None = None,
    ) -> AsyncIterator[RequestForQuoteFillHistorical]:
        """Every row of :meth:`rfq_fills` from ``offset`` on, ``page_size`` per request.

        Stops after a short page or ``max_items`` rows.
        ``GET /wapi/v1/history/rfq/fill``.
        """
        return paginate_endpoint(
            self._client,
            ep.RFQ_FILLS,
            {
                "symbol": symbol,
                "quote_id": quote_id,
                "side": side,
                "fill_type": fill_type,
                "deferred_settlement": deferred_settlement,
                "sort_direction": sort_direction,
            },
            page_size=page_size,
            start_offset=offset,
            max_items=max_items,
        )

    async def quotes(
        self,
        *,
        symbol: str | None = None,
        quote_id: str | None = None,
        status: OrderStatus | str | None = None,
        deferred_settlement: bool | None = None,
        sort_direction: SortDirection | str | None = None,
        limit: int | None = None,
        offset: int | None = None,
    ) -> list[QuoteHistorical]:
        """Quotes the account submitted as a maker.

        One page of at most ``limit`` rows (1..1000, default 100) from ``offset``.
        ``GET /wapi/v1/history/quote``.
        """
        return await self._client.request(
            ep.QUOTES,
            {
                "symbol": symbol,
                "quote_id": quote_id,
                "status": status,
                "deferred_settlement": deferred_settlement,
                "sort_direction": sort_direction,
                "limit": limit,
                "offset": offset,
            },
        )

    def iter_quotes(
        self,
        *,
        symbol: str | None = None,
        quote_id: str | None = None,
        status: OrderStatus | str | None = None,
        deferred_settlement: bool | None = None,
        sort_direction: SortDirection | str | None = None,
        offset: int = 0,
        page_size: int = DEFAULT_PAGE_SIZE,
        max_items: int | None = None,
    ) -> AsyncIterator[QuoteHistorical]:
        """Every row of :meth:`quotes` from ``offset`` on, ``page_size`` per request.

        Stops after a short page or ``max_items`` rows.
        ``GET /wapi/v1/history/quote``.
        """
        return paginate_endpoint(
            self._client,
            ep.QUOTES,
            {
                "symbol": symbol,
                "quote_id": quote_id,
                "status": status,
                "deferred_settlement": deferred_settlement,
                "sort_direction": sort_direction,
            },
            page_size=page_size,
            start_offset=offset,
            max_items=max_items,
        )

    async def quote_fills(
        self,
        *,
        symbol: str | None = None,
        quote_id: str | None = None,
        side: Side | str | None = None,
        sort_direction: SortDirection | str | None = None,
        limit: int | None = None,
        offset: int | None = None,
    ) -> list[QuoteFillHistorical]:
        """Fills of the account's quotes.

        One page of at most ``limit`` rows (1..1000, default 100) from ``offset``.
        ``GET /wapi/v1/history/quote/fill``.
        """
        return await self._client.request(
            ep.QUOTE_FILLS,
            {
                "symbol": symbol,
                "quote_id": quote_id,
                "side": side,
                "sort_direction": sort_direction,
                "limit": limit,
                "offset": offset,
            },
        )

    def iter_quote_fills(
        self,
        *,
        symbol: str | None = None,
        quote_id: str | None = None,
        side: Side | str | None = None,
        sort_direction: SortDirection | str | None = None,
        offset: int = 0,
        page_size: int = DEFAULT_PAGE_SIZE,
        max_items: int | None = None,
    ) -> AsyncIterator[QuoteFillHistorical]:
        """Every row of :meth:`quote_fills` from ``offset`` on, ``page_size`` per request.

        Stops after a short page or ``max_items`` rows.
        ``GET /wapi/v1/history/quote/fill``.
        """
        return paginate_endpoint(
            self._client,
            ep.QUOTE_FILLS,
            {
                "symbol": symbol,
                "quote_id": quote_id,
                "side": side,
                "sort_direction": sort_direction,
            },
            page_size=page_size,
            start_offset=offset,
            max_items=max_items,
        )

    async def strategies(
        self,
        *,
        symbol: str | None = None,
        strategy_id: str | None = None,
        market_type: MarketTypeArg | None = None,
        sort_direction: SortDirection | str | None = None,
        limit: int | None = None,
        offset: int | None = None,
    ) -> list[Strategy]:
        """Strategies of the account in any state.

        One page of at most ``limit`` rows (1..1000, default 100) from ``offset``.
        ``GET /wapi/v1/history/strategies``.
        """
        return await self._client.request(
            ep.STRATEGIES,
            {
                "symbol": symbol,
                "strategy_id": strategy_id,
                "market_type": market_type,
                "sort_direction": sort_direction,
                "limit": limit,
                "offset": offset,
            },
        )

    def iter_strategies(
        self,
        *,
        symbol: str | None = None,
        strategy_id: str | None = None,
        market_type: MarketTypeArg | None = None,
        sort_direction: SortDirection | str | None = None,
        offset: int = 0,
        page_size: int = DEFAULT_PAGE_SIZE,
        max_items: int | None = None,
    ) -> AsyncIterator[Strategy]:
        """Every row of :meth:`strategies` from ``offset`` on, ``page_size`` per request.

        Stops after a short page or ``max_items`` rows.
        ``GET /wapi/v1/history/strategies``.
        """
        return paginate_endpoint(
            self._client,
            ep.STRATEGIES,
            {
                "symbol": symbol,
                "strategy_id": strategy_id,
                "market_type": market_type,
                "sort_direction": sort_direction,
            },
            page_size=page_size,
            start_offset=offset,
            max_items=max_items,
        )
