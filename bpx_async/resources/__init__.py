"""Resource groups, one per Backpack docs tag; thin typed methods over ``bpx_async.endpoints``."""

from __future__ import annotations

from .account import Account
from .assets import Assets
from .borrow_lend import BorrowLend
from .capital import Capital
from .history import History
from .markets import Markets
from .orders import Orders
from .positions import Positions
from .rfq import Rfq
from .strategies import Strategies
from .system import System
from .trades import Trades
from .vaults import Vaults

__all__ = [
    "Account",
    "Assets",
    "BorrowLend",
    "Capital",
    "History",
    "Markets",
    "Orders",
    "Positions",
    "Rfq",
    "Strategies",
    "System",
    "Trades",
    "Vaults",
]
