"""Endpoint records of the Borrow Lend Markets and Borrow Lend groups.
The official spec gives the liquidation-price estimate no signing instruction: ``auth="session"``.
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
    docs=("Borrow Lend Markets", "get_borrow_lend_markets"),
    method="GET",
    path="/api/v1/borrowLend/markets",
    instruction=None,
    request=None,
    response=list[BorrowLendMarket],
)
MARKETS_HISTORY: Endpoint[list[BorrowLendMarketHistory]] = Endpoint(
    name="borrow_lend.markets_history",
    docs=("Borrow Lend Markets", "get_borrow_lend_markets_history"),
    method="GET",
    path="/api/v1/borrowLend/markets/history",
    instruction=None,
    request=BorrowLendMarketsHistoryRequest,
    response=list[BorrowLendMarketHistory],
)
APY: Endpoint[ApyRates] = Endpoint(
    name="borrow_lend.apy",
    docs=("Borrow Lend Markets", "get_apy_rates"),
    method="GET",
    path="/api/v1/borrowLend/apy",
    instruction=None,
    request=ApyRequest,
    response=ApyRates,
)
EXECUTE: Endpoint[None] = Endpoint(
    name="borrow_lend.execute",
    docs=("Borrow Lend", "execute_borrow_lend"),
    method="POST",
    path="/api/v1/borrowLend",
    instruction="borrowLendExecute",
    request=BorrowLendExecuteRequest,
    response=type(None),
    kind="empty",
    auth="signed",
)
POSITIONS: Endpoint[list[BorrowLendPosition]] = Endpoint(
    name="borrow_lend.positions",
    docs=("Borrow Lend", "get_borrow_lend_positions"),
    method="GET",
    path="/api/v1/borrowLend/positions",
    instruction="borrowLendPositionQuery",
    request=None,
    response=list[BorrowLendPosition],
    auth="signed",
)
ESTIMATE_LIQUIDATION_PRICE: Endpoint[EstimatedLiquidationPrice] = Endpoint(
    name="borrow_lend.estimate_liquidation_price",
    docs=("Borrow Lend", "get_borrow_lend_estimated_liquidation_price"),
    method="GET",
    path="/api/v1/borrowLend/position/liquidationPrice",
    instruction=None,
    request=LiquidationPriceRequest,
    response=EstimatedLiquidationPrice,
    auth="session",
)
