"""Endpoint records of the Borrow Lend Markets and Borrow Lend groups (REFERENCE.md section 3).
The liquidation-price estimate documents no instruction (REFERENCE 2.9 item 7): ``auth="session"``.
"""

from __future__ import annotations

from ..models.borrow_lend import (
    ApyRates,
    ApyRequest,
    BorrowLendExecuteRequest,
    BorrowLendMarket,
    BorrowLendMarketHistory,
    BorrowLendMarketsHistoryRequest,
    BorrowLendPosition,
    EstimatedLiquidationPrice,
    LiquidationPriceRequest,
)
from ._spec import Endpoint

MARKETS: Endpoint[list[BorrowLendMarket]] = Endpoint(
    name="borrow_lend.markets",
    method="GET",
    path="/api/v1/borrowLend/markets",
    instruction=None,
    request=None,
    response=list[BorrowLendMarket],
)
MARKETS_HISTORY: Endpoint[list[BorrowLendMarketHistory]] = Endpoint(
    name="borrow_lend.markets_history",
    method="GET",
    path="/api/v1/borrowLend/markets/history",
    instruction=None,
    request=BorrowLendMarketsHistoryRequest,
    response=list[BorrowLendMarketHistory],
)
APY: Endpoint[ApyRates] = Endpoint(
    name="borrow_lend.apy",
    method="GET",
    path="/api/v1/borrowLend/apy",
    instruction=None,
    request=ApyRequest,
    response=ApyRates,
)
EXECUTE: Endpoint[None] = Endpoint(
    name="borrow_lend.execute",
    method="POST",
    path="/api/v1/borrowLend",
    instruction="borrowLendExecute",
    request=BorrowLendExecuteRequest,
    response=None,
    kind="empty",
    auth="signed",
)
POSITIONS: Endpoint[list[BorrowLendPosition]] = Endpoint(
    name="borrow_lend.positions",
    method="GET",
    path="/api/v1/borrowLend/positions",
    instruction="borrowLendPositionQuery",
    request=None,
    response=list[BorrowLendPosition],
    auth="signed",
)
ESTIMATE_LIQUIDATION_PRICE: Endpoint[EstimatedLiquidationPrice] = Endpoint(
    name="borrow_lend.estimate_liquidation_price",
    method="GET",
    path="/api/v1/borrowLend/position/liquidationPrice",
    instruction=None,
    request=LiquidationPriceRequest,
    response=EstimatedLiquidationPrice,
    auth="session",
)
