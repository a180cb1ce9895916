"""Enumerations of the Backpack API with their exact wire strings.

Request models accept only these values. Response models wrap them in ``OpenEnum`` so that a
value added by the exchange later arrives as a plain string instead of failing validation.
"""

from __future__ import annotations

from enum import Enum

__all__ = [
    "Blockchain",
    "BorrowLendBookState",
    "BorrowLendEventType",
    "BorrowLendMarketHistoryInterval",
    "BorrowLendPositionState",
    "BorrowLendSide",
    "BorrowLendSource",
    "CancelOrderType",
    "DepositStatus",
    "DepthLimit",
    "FillType",
    "InterestPaymentSource",
    "KlineInterval",
    "KlinePriceType",
    "MarketType",
    "OrderBookState",
    "OrderExpiryReason",
    "OrderStatus",
    "OrderType",
    "PaymentType",
    "PositionState",
    "RfqExecutionMode",
    "RfqFillType",
    "SelfTradePrevention",
    "SeriesRecurrence",
    "SettlementSource",
    "SettlementSourceFilter",
    "Side",
    "SlippageToleranceType",
    "SortDirection",
    "StrategyCancelReason",
    "StrategyStatus",
    "StrategyType",
    "SystemOrderType",
    "SystemStatus",
    "TickerInterval",
    "TimeInForce",
    "TriggerBy",
    "VaultHistoryInterval",
    "VaultRedeemStatus",
    "WireEnum",
    "WithdrawalStatus",
]


class WireEnum(str, Enum):
    """Base of every enumeration here: a ``str`` whose text is its wire value on every Python.

    ``str(Side.BID)`` and ``f"{Side.BID}"`` give ``"Bid"``: Python 3.11 changed what ``format()``
    of a ``(str, Enum)`` member returns (``"Side.BID"``), and these two methods undo that.
    """

    def __str__(self) -> str:
        return str.__str__(self)

    def __format__(self, format_spec: str) -> str:
        return str.__format__(str.__str__(self), format_spec)


class Side(WireEnum):
    """Order side: Bid buys, Ask sells."""

    BID = "Bid"
    ASK = "Ask"


class OrderType(WireEnum):
    """REST order type."""

    MARKET = "Market"
    LIMIT = "Limit"


class TimeInForce(WireEnum):
    """How long an order rests."""

    GTC = "GTC"
    IOC = "IOC"
    FOK = "FOK"


class SelfTradePrevention(WireEnum):
    """What happens when an order would trade against the same account."""

    REJECT_TAKER = "RejectTaker"
    REJECT_MAKER = "RejectMaker"
    REJECT_BOTH = "RejectBoth"


class OrderStatus(WireEnum):
    """Order status."""

    CANCELLED = "Cancelled"
    EXPIRED = "Expired"
    FILLED = "Filled"
    NEW = "New"
    PARTIALLY_FILLED = "PartiallyFilled"
    TRIGGER_PENDING = "TriggerPending"
    TRIGGER_FAILED = "TriggerFailed"


class OrderExpiryReason(WireEnum):
    """Why an order expired."""

    ACCOUNT_TRADING_SUSPENDED = "AccountTradingSuspended"
    BORROW_REQUIRES_LEND_REDEEM = "BorrowRequiresLendRedeem"
    FILL_OR_KILL = "FillOrKill"
    INSUFFICIENT_BORROWABLE_QUANTITY = "InsufficientBorrowableQuantity"
    INSUFFICIENT_FUNDS = "InsufficientFunds"
    INSUFFICIENT_LIQUIDITY = "InsufficientLiquidity"
    INVALID_PRICE = "InvalidPrice"
    INVALID_QUANTITY = "InvalidQuantity"
    IMMEDIATE_OR_CANCEL = "ImmediateOrCancel"
    INSUFFICIENT_MARGIN = "InsufficientMargin"
    LIQUIDATION = "Liquidation"
    NEGATIVE_EQUITY = "NegativeEquity"
    POST_ONLY_MODE = "PostOnlyMode"
    POST_ONLY_TAKER = "PostOnlyTaker"
    PRICE_OUT_OF_BOUNDS = "PriceOutOfBounds"
    REDUCE_ONLY_NOT_REDUCED = "ReduceOnlyNotReduced"
    SELF_TRADE_PREVENTION = "SelfTradePrevention"
    STOP_WITHOUT_POSITION = "StopWithoutPosition"
    PRICE_IMPACT = "PriceImpact"
    UNKNOWN = "Unknown"
    USER_PERMISSIONS = "UserPermissions"
    MAX_STOP_ORDERS_PER_POSITION = "MaxStopOrdersPerPosition"
    POSITION_LIMIT = "PositionLimit"
    SLIPPAGE_TOLERANCE_EXCEEDED = "SlippageToleranceExceeded"


class SystemOrderType(WireEnum):
    """Why a system order exists."""

    COLLATERAL_CONVERSION = "CollateralConversion"
    FUTURE_EXPIRY = "FutureExpiry"
    LIQUIDATE_POSITION_ON_ADL = "LiquidatePositionOnAdl"
    LIQUIDATE_POSITION_ON_BOOK = "LiquidatePositionOnBook"
    LIQUIDATE_POSITION_ON_BACKSTOP = "LiquidatePositionOnBackstop"
    ORDER_BOOK_CLOSED = "OrderBookClosed"


class CancelOrderType(WireEnum):
    """Filter for cancel-all."""

    RESTING_LIMIT_ORDER = "RestingLimitOrder"
    CONDITIONAL_ORDER = "ConditionalOrder"


class SlippageToleranceType(WireEnum):
    """Unit of slippageTolerance."""

    TICK_SIZE = "TickSize"
    PERCENT = "Percent"


class TriggerBy(WireEnum):
    """Price a trigger watches."""

    MARK_PRICE = "MarkPrice"
    LAST_PRICE = "LastPrice"
    INDEX_PRICE = "IndexPrice"


class MarketType(WireEnum):
    """Market type filter."""

    SPOT = "SPOT"
    PERP = "PERP"
    IPERP = "IPERP"
    DATED = "DATED"
    PREDICTION = "PREDICTION"
    RFQ = "RFQ"


class OrderBookState(WireEnum):
    """Market order-book state."""

    OPEN = "Open"
    CLOSED = "Closed"
    CANCEL_ONLY = "CancelOnly"
    LIMIT_ONLY = "LimitOnly"
    POST_ONLY = "PostOnly"


class KlineInterval(WireEnum):
    """Candle interval."""

    SECOND_1 = "1s"
    MINUTE_1 = "1m"
    MINUTE_3 = "3m"
    MINUTE_5 = "5m"
    MINUTE_15 = "15m"
    MINUTE_30 = "30m"
    HOUR_1 = "1h"
    HOUR_2 = "2h"
    HOUR_4 = "4h"
    HOUR_6 = "6h"
    HOUR_8 = "8h"
    HOUR_12 = "12h"
    DAY_1 = "1d"
    DAY_3 = "3d"
    WEEK_1 = "1w"
    MONTH_1 = "1month"


class KlinePriceType(WireEnum):
    """Price series of a candle."""

    LAST = "Last"
    INDEX = "Index"
    MARK = "Mark"


class TickerInterval(WireEnum):
    """Ticker window."""

    DAY_1 = "1d"
    WEEK_1 = "1w"


class DepthLimit(WireEnum):
    """Allowed depth sizes (sent as strings)."""

    LEVELS_5 = "5"
    LEVELS_10 = "10"
    LEVELS_20 = "20"
    LEVELS_50 = "50"
    LEVELS_100 = "100"
    LEVELS_500 = "500"
    LEVELS_1000 = "1000"


class SortDirection(WireEnum):
    """History sort order."""

    ASC = "Asc"
    DESC = "Desc"


class FillType(WireEnum):
    """Fill history filter; User = the account's own orders only."""

    USER = "User"
    BOOK_LIQUIDATION = "BookLiquidation"
    ADL = "Adl"
    BACKSTOP = "Backstop"
    LIQUIDATION = "Liquidation"
    ALL_LIQUIDATION = "AllLiquidation"
    COLLATERAL_CONVERSION = "CollateralConversion"
    COLLATERAL_CONVERSION_AND_SPOT_LIQUIDATION = "CollateralConversionAndSpotLiquidation"


class Blockchain(WireEnum):
    """Blockchains for deposits and withdrawals (exact wire spellings)."""

    ZERO_G = "0G"
    APTOS = "Aptos"
    ARBITRUM = "Arbitrum"
    AVALANCHE = "Avalanche"
    BASE = "Base"
    BERACHAIN = "Berachain"
    BITCOIN = "Bitcoin"
    BITCOIN_CASH = "BitcoinCash"
    BSC = "Bsc"
    CARDANO = "Cardano"
    DOGECOIN = "Dogecoin"
    ECLIPSE = "Eclipse"
    EQUALS_MONEY = "EqualsMoney"
    ETHEREUM = "Ethereum"
    FOGO = "Fogo"
    HYPER_EVM = "HyperEVM"
    HYPERLIQUID = "Hyperliquid"
    LINEA = "Linea"
    LITECOIN = "Litecoin"
    MONAD = "Monad"
    NEAR = "Near"
    OPTIMISM = "Optimism"
    PLASMA = "Plasma"
    POLYGON = "Polygon"
    SEI = "Sei"
    SUI = "Sui"
    SOLANA = "Solana"
    STABLE = "Stable"
    STORY = "Story"
    TRON = "Tron"
    XRP = "XRP"
    ZCASH = "Zcash"


class DepositStatus(WireEnum):
    """Deposit status."""

    CANCELLED = "cancelled"
    CONFIRMED = "confirmed"
    DECLINED = "declined"
    EXPIRED = "expired"
    INITIATED = "initiated"
    OWNERSHIP_VERIFICATION_REQUIRED = "ownershipVerificationRequired"
    PENDING = "pending"
    REFUNDED = "refunded"
    SENDER_VERIFICATION_COMPLETED = "senderVerificationCompleted"
    SENDER_VERIFICATION_REQUIRED = "senderVerificationRequired"


class WithdrawalStatus(WireEnum):
    """Withdrawal status."""

    CONFIRMED = "confirmed"
    OWNERSHIP_VERIFICATION_REQUIRED = "ownershipVerificationRequired"
    PENDING = "pending"
    RECIPIENT_INFORMATION_PROVIDED = "recipientInformationProvided"
    RECIPIENT_INFORMATION_REQUIRED = "recipientInformationRequired"


class BorrowLendSide(WireEnum):
    """Borrow or lend."""

    BORROW = "Borrow"
    LEND = "Lend"


class BorrowLendEventType(WireEnum):
    """Borrow/lend history event."""

    BORROW = "Borrow"
    BORROW_REPAY = "BorrowRepay"
    LEND = "Lend"
    LEND_REDEEM = "LendRedeem"


class BorrowLendPositionState(WireEnum):
    """Borrow/lend position state."""

    OPEN = "Open"
    CLOSED = "Closed"


class BorrowLendBookState(WireEnum):
    """Borrow/lend market state."""

    OPEN = "Open"
    CLOSED = "Closed"
    REPAY_ONLY = "RepayOnly"


class BorrowLendSource(WireEnum):
    """Source of a borrow/lend movement."""

    ADL_PROVIDER = "AdlProvider"
    AUTO_BORROW_REPAY = "AutoBorrowRepay"
    AUTO_LEND = "AutoLend"
    BACKSTOP_PROVIDER = "BackstopProvider"
    DUST_CONVERSION = "DustConversion"
    INTEREST = "Interest"
    LIQUIDATION = "Liquidation"
    LIQUIDATION_ADL = "LiquidationAdl"
    LIQUIDATION_BACKSTOP = "LiquidationBackstop"
    MANUAL = "Manual"
    RECONCILIATION = "Reconciliation"
    RFQ = "Rfq"
    SPOT_MARGIN = "SpotMargin"
    WITHDRAWAL = "Withdrawal"


class BorrowLendMarketHistoryInterval(WireEnum):
    """Borrow/lend market history window."""

    DAY_1 = "1d"
    WEEK_1 = "1w"
    MONTH_1 = "1month"
    YEAR_1 = "1year"


class InterestPaymentSource(WireEnum):
    """Interest history source filter."""

    UNREALIZED_PNL = "UnrealizedPnl"
    BORROW_LEND = "BorrowLend"


class PaymentType(WireEnum):
    """Interest payment type."""

    ENTRY_FEE = "EntryFee"
    BORROW = "Borrow"
    LEND = "Lend"
    UNREALIZED_POSITIVE_PNL = "UnrealizedPositivePnl"
    UNREALIZED_NEGATIVE_PNL = "UnrealizedNegativePnl"


class SettlementSourceFilter(WireEnum):
    """Settlement history source filter (spelling differs from results)."""

    BACKSTOP_LIQUIDATION = "BackstopLiquidation"
    CULLED_BORROW_INTEREST = "CulledBorrowInterest"
    CULLED_REALIZE_PNL = "CulledRealizePnl"
    CULLED_REALIZE_PNL_BOOK_UTILIZATION = "CulledRealizePnlBookUtilization"
    FUNDING_PAYMENT = "FundingPayment"
    REALIZE_PNL = "RealizePnl"
    TRADING_FEES = "TradingFees"
    TRADING_FEES_SYSTEM = "TradingFeesSystem"


class SettlementSource(WireEnum):
    """Settlement source in results."""

    TRADING_FEES = "TradingFees"
    TRADING_FEES_SYSTEM = "TradingFeesSystem"
    FUNDING_PAYMENT = "FundingPayment"
    CULLED_BORROW_INTEREST = "CulledBorrowInterest"
    CULLED_REALIZE_PNL_AUTO = "CulledRealizePnlAuto"
    CULLED_REALIZE_PNL_BOOK_UTILISATION = "CulledRealizePnlBookUtilisation"
    CULLED_REALIZE_PNL_ACCOUNT_THRESHOLD = "CulledRealizePnlAccountThreshold"
    CULLED_REALIZE_PNL_SYSTEM_THRESHOLD = "CulledRealizePnlSystemThreshold"
    REALIZE_PNL = "RealizePnl"
    BACKSTOP_PROVIDER_LIQUIDATION = "BackstopProviderLiquidation"
    BACKSTOP_ADL_LIQUIDATION = "BackstopAdlLiquidation"
    BACKSTOP_LIQUIDITY_FUND_PROCEEDS = "BackstopLiquidityFundProceeds"
    SYSTEM_LIABILITY_TRANSFER = "SystemLiabilityTransfer"


class PositionState(WireEnum):
    """Position history state."""

    OPEN = "Open"
    CLOSED = "Closed"


class RfqExecutionMode(WireEnum):
    """RFQ execution mode; Immediate requires a price."""

    AWAIT_ACCEPT = "AwaitAccept"
    IMMEDIATE = "Immediate"


class RfqFillType(WireEnum):
    """RFQ fill history filter."""

    USER = "User"
    COLLATERAL_CONVERSION = "CollateralConversion"


class StrategyType(WireEnum):
    """Strategy type (only scheduled strategies exist)."""

    SCHEDULED = "Scheduled"


class StrategyStatus(WireEnum):
    """Strategy status."""

    RUNNING = "Running"
    COMPLETED = "Completed"
    CANCELLED = "Cancelled"
    TERMINATED = "Terminated"


class StrategyCancelReason(WireEnum):
    """Why a strategy was cancelled."""

    EXPIRED = "Expired"
    FILL_OR_KILL = "FillOrKill"
    INSUFFICIENT_BORROWABLE_QUANTITY = "InsufficientBorrowableQuantity"
    INSUFFICIENT_FUNDS = "InsufficientFunds"
    INSUFFICIENT_LIQUIDITY = "InsufficientLiquidity"
    INVALID_PRICE = "InvalidPrice"
    INVALID_QUANTITY = "InvalidQuantity"
    INSUFFICIENT_MARGIN = "InsufficientMargin"
    LIQUIDATION = "Liquidation"
    PRICE_OUT_OF_BOUNDS = "PriceOutOfBounds"
    REDUCE_ONLY_NOT_REDUCED = "ReduceOnlyNotReduced"
    SELF_TRADE_PREVENTION = "SelfTradePrevention"
    UNKNOWN = "Unknown"
    USER_PERMISSIONS = "UserPermissions"


class SystemStatus(WireEnum):
    """Exchange status."""

    OK = "Ok"
    MAINTENANCE = "Maintenance"


class VaultHistoryInterval(WireEnum):
    """Vault history window."""

    DAY_1 = "1d"
    WEEK_1 = "1w"
    MONTH_1 = "1month"
    YEAR_1 = "1year"


class VaultRedeemStatus(WireEnum):
    """Vault redeem status."""

    REQUESTED = "Requested"
    REDEEMED = "Redeemed"
    CANCELLED = "Cancelled"


class SeriesRecurrence(WireEnum):
    """Prediction series recurrence."""

    MINUTELY = "minutely"
    FIVE_MINUTELY = "fiveMinutely"
    FIFTEEN_MINUTELY = "fifteenMinutely"
    HOURLY = "hourly"
    DAILY = "daily"
    WEEKLY = "weekly"
    MONTHLY = "monthly"
