# mypy: disable-error-code="empty-body"
# Method bodies are empty on purpose: @operation/@paginated (resources/_base.py) supply them.
"""The account's history: fills, orders, funding, settlements, interest, RFQs and more.

Every ``GET /wapi/v1/history/*`` operation is one method returning an :class:`AsyncPager`:
``await client.history.fills(limit=50)`` is one page, ``async for fill in
client.history.fills()`` walks every page.
"""

from __future__ import annotations

from collections.abc import Sequence
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
from ._base import Resource, paginated
from ._paging import AsyncPager

__all__ = ["History"]

#: One market type or several; several are sent as repeated ``marketType`` keys.
MarketTypeArg = Union[MarketType, str, Sequence[Union[MarketType, str]]]


class History(Resource):
    """The account's history: fills, orders, funding, settlements, interest, RFQs and more.

    All methods are signed and page with ``limit`` (1..1000, default 100) and ``offset``:
    await a method's result for one page, or iterate it with ``async for`` for every row.
    """

    __slots__ = ()

    @paginated(ep.FILLS)
    def fills(
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
    ) -> AsyncPager[OrderFill]:
        """Fills of the account. System fills (liquidation, ADL, collateral conversion) are
        included unless ``fill_type="User"``. ``from_``/``to`` bound the fill time: an int of
        milliseconds since the epoch or a timezone-aware ``datetime``.

        Awaited: one page of at most ``limit`` rows (1..1000, default 100) from ``offset``.
        Iterated: every row from ``offset`` on, ``limit`` rows per request.
        ``GET /wapi/v1/history/fills``.
        """

    @paginated(ep.ORDERS)
    def orders(
        self,
        *,
        symbol: str | None = None,
        order_id: str | None = None,
        strategy_id: str | None = None,
        market_type: MarketTypeArg | None = None,
        sort_direction: SortDirection | str | None = None,
        limit: int | None = None,
        offset: int | None = None,
    ) -> AsyncPager[Order]:
        """Orders of the account in any state (filled, cancelled, expired ...).

        Awaited: one page of at most ``limit`` rows (1..1000, default 100) from ``offset``.
        Iterated: every row from ``offset`` on, ``limit`` rows per request.
        ``GET /wapi/v1/history/orders``.
        """

    @paginated(ep.FUNDING)
    def funding(
        self,
        *,
        symbol: str | None = None,
        subaccount_id: int | None = None,
        sort_direction: SortDirection | str | None = None,
        limit: int | None = None,
        offset: int | None = None,
    ) -> AsyncPager[FundingPayment]:
        """Funding payments on perpetual positions.

        Awaited: one page of at most ``limit`` rows (1..1000, default 100) from ``offset``.
        Iterated: every row from ``offset`` on, ``limit`` rows per request.
        ``GET /wapi/v1/history/funding``.
        """

    @paginated(ep.SETTLEMENT)
    def settlement(
        self,
        *,
        source: SettlementSourceFilter | str | None = None,
        sort_direction: SortDirection | str | None = None,
        limit: int | None = None,
        offset: int | None = None,
    ) -> AsyncPager[Settlement]:
        """Settlements (trading fees, funding, realized PnL ...), filtered by ``source``.

        Awaited: one page of at most ``limit`` rows (1..1000, default 100) from ``offset``.
        Iterated: every row from ``offset`` on, ``limit`` rows per request.
        ``GET /wapi/v1/history/settlement``.
        """

    @paginated(ep.INTEREST)
    def interest(
        self,
        *,
        asset: str | None = None,
        symbol: str | None = None,
        position_id: str | None = None,
        source: InterestPaymentSource | str | None = None,
        sort_direction: SortDirection | str | None = None,
        limit: int | None = None,
        offset: int | None = None,
    ) -> AsyncPager[InterestPayment]:
        """Interest payments on borrow/lend positions and on unrealized PnL.

        Awaited: one page of at most ``limit`` rows (1..1000, default 100) from ``offset``.
        Iterated: every row from ``offset`` on, ``limit`` rows per request.
        ``GET /wapi/v1/history/interest``.
        """

    @paginated(ep.BORROW_LEND)
    def borrow_lend(
        self,
        *,
        symbol: str | None = None,
        event_type: BorrowLendEventType | str | None = None,
        sources: BorrowLendSource | str | Sequence[BorrowLendSource | str] | None = None,
        position_id: str | None = None,
        sort_direction: SortDirection | str | None = None,
        limit: int | None = None,
        offset: int | None = None,
    ) -> AsyncPager[BorrowLendMovement]:
        """Borrow, repay, lend and redeem movements.

        ``event_type`` is the API's ``type`` filter. ``sources`` is sent as ONE comma-separated
        value (``sources=Manual,AutoLend``): pass a sequence of :class:`BorrowLendSource` (or
        their names), a single source, or the comma-separated text itself.

        Awaited: one page of at most ``limit`` rows (1..1000, default 100) from ``offset``.
        Iterated: every row from ``offset`` on, ``limit`` rows per request.
        ``GET /wapi/v1/history/borrowLend``.
        """

    @paginated(ep.BORROW_LEND_POSITIONS)
    def borrow_lend_positions(
        self,
        *,
        symbol: str | None = None,
        side: BorrowLendSide | str | None = None,
        state: BorrowLendPositionState | str | None = None,
        sort_direction: SortDirection | str | None = None,
        limit: int | None = None,
        offset: int | None = None,
    ) -> AsyncPager[BorrowLendPositionRow]:
        """Borrow/lend positions, open and closed.

        Awaited: one page of at most ``limit`` rows (1..1000, default 100) from ``offset``.
        Iterated: every row from ``offset`` on, ``limit`` rows per request.
        ``GET /wapi/v1/history/borrowLend/positions``.
        """

    @paginated(ep.DUST, conversion_id="id")
    def dust(
        self,
        *,
        symbol: str | None = None,
        conversion_id: int | None = None,
        sort_direction: SortDirection | str | None = None,
        limit: int | None = None,
        offset: int | None = None,
    ) -> AsyncPager[DustConversion]:
        """Dust conversions into USDC; ``conversion_id`` selects one.

        Awaited: one page of at most ``limit`` rows (1..1000, default 100) from ``offset``.
        Iterated: every row from ``offset`` on, ``limit`` rows per request.
        ``GET /wapi/v1/history/dust``.
        """

    @paginated(ep.POSITIONS)
    def positions(
        self,
        *,
        symbol: str | None = None,
        state: PositionState | str | None = None,
        market_type: MarketTypeArg | None = None,
        sort_direction: SortDirection | str | None = None,
        limit: int | None = None,
        offset: int | None = None,
    ) -> AsyncPager[PositionHistoryRow]:
        """Futures positions, open and closed.

        Awaited: one page of at most ``limit`` rows (1..1000, default 100) from ``offset``.
        Iterated: every row from ``offset`` on, ``limit`` rows per request.
        ``GET /wapi/v1/history/position``.
        """

    @paginated(ep.RFQ)
    def rfq(
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
    ) -> AsyncPager[RequestForQuoteHistorical]:
        """RFQs the account submitted.

        Awaited: one page of at most ``limit`` rows (1..1000, default 100) from ``offset``.
        Iterated: every row from ``offset`` on, ``limit`` rows per request.
        ``GET /wapi/v1/history/rfq``.
        """

    @paginated(ep.RFQ_FILLS)
    def rfq_fills(
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
    ) -> AsyncPager[RequestForQuoteFillHistorical]:
        """Fills of the account's RFQs.

        Awaited: one page of at most ``limit`` rows (1..1000, default 100) from ``offset``.
        Iterated: every row from ``offset`` on, ``limit`` rows per request.
        ``GET /wapi/v1/history/rfq/fill``.
        """

    @paginated(ep.QUOTES)
    def quotes(
        self,
        *,
        symbol: str | None = None,
        quote_id: str | None = None,
        status: OrderStatus | str | None = None,
        deferred_settlement: bool | None = None,
        sort_direction: SortDirection | str | None = None,
        limit: int | None = None,
        offset: int | None = None,
    ) -> AsyncPager[QuoteHistorical]:
        """Quotes the account submitted as a maker.

        Awaited: one page of at most ``limit`` rows (1..1000, default 100) from ``offset``.
        Iterated: every row from ``offset`` on, ``limit`` rows per request.
        ``GET /wapi/v1/history/quote``.
        """

    @paginated(ep.QUOTE_FILLS)
    def quote_fills(
        self,
        *,
        symbol: str | None = None,
        quote_id: str | None = None,
        side: Side | str | None = None,
        sort_direction: SortDirection | str | None = None,
        limit: int | None = None,
        offset: int | None = None,
    ) -> AsyncPager[QuoteFillHistorical]:
        """Fills of the account's quotes.

        Awaited: one page of at most ``limit`` rows (1..1000, default 100) from ``offset``.
        Iterated: every row from ``offset`` on, ``limit`` rows per request.
        ``GET /wapi/v1/history/quote/fill``.
        """

    @paginated(ep.STRATEGIES)
    def strategies(
        self,
        *,
        symbol: str | None = None,
        strategy_id: str | None = None,
        market_type: MarketTypeArg | None = None,
        sort_direction: SortDirection | str | None = None,
        limit: int | None = None,
        offset: int | None = None,
    ) -> AsyncPager[Strategy]:
        """Strategies of the account in any state.

        Awaited: one page of at most ``limit`` rows (1..1000, default 100) from ``offset``.
        Iterated: every row from ``offset`` on, ``limit`` rows per request.
        ``GET /wapi/v1/history/strategies``.
        """
