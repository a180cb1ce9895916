"""Endpoint records of every ``GET /wapi/v1/history/*`` operation (REFERENCE.md section 3).

All are signed, answer a JSON list and page with ``limit``/``offset``; ``client.history``
exposes each one plus an ``iter_*`` twin that walks the pages.
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
    method="GET",
    path="/wapi/v1/history/fills",
    instruction="fillHistoryQueryAll",
    request=FillHistoryRequest,
    response=list[OrderFill],
    auth="signed",
)
ORDERS: Endpoint[list[Order]] = Endpoint(
    name="history.orders",
    method="GET",
    path="/wapi/v1/history/orders",
    instruction="orderHistoryQueryAll",
    request=OrderHistoryRequest,
    response=list[Order],
    auth="signed",
)
FUNDING: Endpoint[list[FundingPayment]] = Endpoint(
    name="history.funding",
    method="GET",
    path="/wapi/v1/history/funding",
    instruction="fundingHistoryQueryAll",
    request=FundingHistoryRequest,
    response=list[FundingPayment],
    auth="signed",
)
SETTLEMENT: Endpoint[list[Settlement]] = Endpoint(
    name="history.settlement",
    method="GET",
    path="/wapi/v1/history/settlement",
    instruction="settlementHistoryQueryAll",
    request=SettlementHistoryRequest,
    response=list[Settlement],
    auth="signed",
)
INTEREST: Endpoint[list[InterestPayment]] = Endpoint(
    name="history.interest",
    method="GET",
    path="/wapi/v1/history/interest",
    instruction="interestHistoryQueryAll",
    request=InterestHistoryRequest,
    response=list[InterestPayment],
    auth="signed",
)
BORROW_LEND: Endpoint[list[BorrowLendMovement]] = Endpoint(
    name="history.borrow_lend",
    method="GET",
    path="/wapi/v1/history/borrowLend",
    instruction="borrowHistoryQueryAll",
    request=BorrowLendHistoryRequest,
    response=list[BorrowLendMovement],
    auth="signed",
)
BORROW_LEND_POSITIONS: Endpoint[list[BorrowLendPositionRow]] = Endpoint(
    name="history.borrow_lend_positions",
    method="GET",
    path="/wapi/v1/history/borrowLend/positions",
    instruction="borrowPositionHistoryQueryAll",
    request=BorrowLendPositionHistoryRequest,
    response=list[BorrowLendPositionRow],
    auth="signed",
)
DUST: Endpoint[list[DustConversion]] = Endpoint(
    name="history.dust",
    method="GET",
    path="/wapi/v1/history/dust",
    instruction="dustHistoryQueryAll",
    request=DustHistoryRequest,
    response=list[DustConversion],
    auth="signed",
)
POSITIONS: Endpoint[list[PositionHistoryRow]] = Endpoint(
    name="history.positions",
    method="GET",
    path="/wapi/v1/history/position",
    instruction="positionHistoryQueryAll",
    request=PositionHistoryRequest,
    response=list[PositionHistoryRow],
    auth="signed",
)
RFQ: Endpoint[list[RequestForQuoteHistorical]] = Endpoint(
    name="history.rfq",
    method="GET",
    path="/wapi/v1/history/rfq",
    instruction="rfqHistoryQueryAll",
    request=RfqHistoryRequest,
    response=list[RequestForQuoteHistorical],
    auth="signed",
)
RFQ_FILLS: Endpoint[list[RequestForQuoteFillHistorical]] = Endpoint(
    name="history.rfq_fills",
    method="GET",
    path="/wapi/v1/history/rfq/fill",
    instruction="rfqFillHistoryQueryAll",
    request=RfqFillHistoryRequest,
    response=list[RequestForQuoteFillHistorical],
    auth="signed",
)
QUOTES: Endpoint[list[QuoteHistorical]] = Endpoint(
    name="history.quotes",
    method="GET",
    path="/wapi/v1/history/quote",
    instruction="quoteHistoryQueryAll",
    request=QuoteHistoryRequest,
    response=list[QuoteHistorical],
    auth="signed",
)
QUOTE_FILLS: Endpoint[list[QuoteFillHistorical]] = Endpoint(
    name="history.quote_fills",
    method="GET",
    path="/wapi/v1/history/quote/fill",
    instruction="quoteFillHistoryQueryAll",
    request=QuoteFillHistoryRequest,
    response=list[QuoteFillHistorical],
    auth="signed",
)
STRATEGIES: Endpoint[list[Strategy]] = Endpoint(
    name="history.strategies",
    method="GET",
    path="/wapi/v1/history/strategies",
    instruction="strategyHistoryQueryAll",
    request=StrategyHistoryRequest,
    response=list[Strategy],
    auth="signed",
)
