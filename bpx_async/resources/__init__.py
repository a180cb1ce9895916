"""Resource groups, one per Backpack docs tag: typed method signatures over ``bpx_async.endpoints``.

History methods return an :class:`AsyncPager` (await it for one page, ``async for`` every row).
"""

from __future__ import annotations

from ._paging import AsyncPager
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
    "AsyncPager",
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
