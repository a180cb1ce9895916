"""Endpoint records of every ``GET /wapi/v1/history/*`` operation.

All are signed, answer a JSON list and page with ``limit``/``offset``; each
``client.history`` method returns a pager: awaited, one page; iterated, every row.
"""

from __future__ import annotations

from ..models.history import (
    BorrowLendHistoryRequest,
    BorrowLendMovement,
    BorrowLendPositionHistoryRequest,
    BorrowLendPositionRow,
    DustConversion,
    DustHistoryRequest,
    FillHistoryRequest,
    FundingHistoryRequest,
    FundingPayment,
    InterestHistoryRequest,
    InterestPayment,
    Order,
    OrderFill,
    OrderHistoryRequest,
    PositionHistoryRequest,
    PositionHistoryRow,
    QuoteFillHistorical,
    QuoteFillHistoryRequest,
    QuoteHistorical,
    QuoteHistoryRequest,
    RequestForQuoteFillHistorical,
    RequestForQuoteHistorical,
    RfqFillHistoryRequest,
    RfqHistoryRequest,
    Settlement,
    SettlementHistoryRequest,
    Strategy,
    StrategyHistoryRequest,
)
from ._spec import Endpoint

FILLS: Endpoint[list[OrderFill]] = Endpoint(
    name="history.fills",
    docs=("Order", "get_fills"),
    method="GET",
    path="/wapi/v1/history/fills",
    instruction="fillHistoryQueryAll",
    request=FillHistoryRequest,
    response=list[OrderFill],
    auth="signed",
)
ORDERS: Endpoint[list[Order]] = Endpoint(
    name="history.orders",
    docs=("Order", "get_order_history"),
    method="GET",
    path="/wapi/v1/history/orders",
    instruction="orderHistoryQueryAll",
    request=OrderHistoryRequest,
    response=list[Order],
    auth="signed",
)
FUNDING: Endpoint[list[FundingPayment]] = Endpoint(
    name="history.funding",
    docs=("Position", "get_funding_payments"),
    method="GET",
    path="/wapi/v1/history/funding",
    instruction="fundingHistoryQueryAll",
    request=FundingHistoryRequest,
    response=list[FundingPayment],
    auth="signed",
)
SETTLEMENT: Endpoint[list[Settlement]] = Endpoint(
    name="history.settlement",
    docs=("Capital", "get_settlement_history"),
    method="GET",
    path="/wapi/v1/history/settlement",
    instruction="settlementHistoryQueryAll",
    request=SettlementHistoryRequest,
    response=list[Settlement],
    auth="signed",
)
INTEREST: Endpoint[list[InterestPayment]] = Endpoint(
    name="history.interest",
    docs=("Borrow Lend", "get_interest_history"),
    method="GET",
    path="/wapi/v1/history/interest",
    instruction="interestHistoryQueryAll",
    request=InterestHistoryRequest,
    response=list[InterestPayment],
    auth="signed",
)
BORROW_LEND: Endpoint[list[BorrowLendMovement]] = Endpoint(
    name="history.borrow_lend",
    docs=("Borrow Lend", "get_borrow_lend_history"),
    method="GET",
    path="/wapi/v1/history/borrowLend",
    instruction="borrowHistoryQueryAll",
    request=BorrowLendHistoryRequest,
    response=list[BorrowLendMovement],
    auth="signed",
)
BORROW_LEND_POSITIONS: Endpoint[list[BorrowLendPositionRow]] = Endpoint(
    name="history.borrow_lend_positions",
    docs=("Borrow Lend", "get_borrow_lend_position_history"),
    method="GET",
    path="/wapi/v1/history/borrowLend/positions",
    instruction="borrowPositionHistoryQueryAll",
    request=BorrowLendPositionHistoryRequest,
    response=list[BorrowLendPositionRow],
    auth="signed",
)
DUST: Endpoint[list[DustConversion]] = Endpoint(
    name="history.dust",
    docs=("Capital", "get_dust_history"),
    method="GET",
    path="/wapi/v1/history/dust",
    instruction="dustHistoryQueryAll",
    request=DustHistoryRequest,
    response=list[DustConversion],
    auth="signed",
)
POSITIONS: Endpoint[list[PositionHistoryRow]] = Endpoint(
    name="history.positions",
    docs=("Position", "get_position_history"),
    method="GET",
    path="/wapi/v1/history/position",
    instruction="positionHistoryQueryAll",
    request=PositionHistoryRequest,
    response=list[PositionHistoryRow],
    auth="signed",
)
RFQ: Endpoint[list[RequestForQuoteHistorical]] = Endpoint(
    name="history.rfq",
    docs=("RFQ", "get_rfq_history"),
    method="GET",
    path="/wapi/v1/history/rfq",
    instruction="rfqHistoryQueryAll",
    request=RfqHistoryRequest,
    response=list[RequestForQuoteHistorical],
    auth="signed",
)
RFQ_FILLS: Endpoint[list[RequestForQuoteFillHistorical]] = Endpoint(
    name="history.rfq_fills",
    docs=("RFQ", "get_rfq_fill_history"),
    method="GET",
    path="/wapi/v1/history/rfq/fill",
    instruction="rfqFillHistoryQueryAll",
    request=RfqFillHistoryRequest,
    response=list[RequestForQuoteFillHistorical],
    auth="signed",
)
QUOTES: Endpoint[list[QuoteHistorical]] = Endpoint(
    name="history.quotes",
    docs=("RFQ", "get_quote_history"),
    method="GET",
    path="/wapi/v1/history/quote",
    instruction="quoteHistoryQueryAll",
    request=QuoteHistoryRequest,
    response=list[QuoteHistorical],
    auth="signed",
)
QUOTE_FILLS: Endpoint[list[QuoteFillHistorical]] = Endpoint(
    name="history.quote_fills",
    docs=("RFQ", "get_quote_fill_history"),
    method="GET",
    path="/wapi/v1/history/quote/fill",
    instruction="quoteFillHistoryQueryAll",
    request=QuoteFillHistoryRequest,
    response=list[QuoteFillHistorical],
    auth="signed",
)
STRATEGIES: Endpoint[list[Strategy]] = Endpoint(
    name="history.strategies",
    docs=("Strategy", "get_strategies_history"),
    method="GET",
    path="/wapi/v1/history/strategies",
    instruction="strategyHistoryQueryAll",
    request=StrategyHistoryRequest,
    response=list[Strategy],
    auth="signed",
)
