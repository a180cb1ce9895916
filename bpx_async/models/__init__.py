"""Request and response models for every operation, grouped like the Backpack docs' tags.

Everything is re-exported here: ``from bpx_async.models import Ticker, PlacedOrder, Side``.
"""

from .account import *  # noqa: F403
from .assets import *  # noqa: F403
from .borrow_lend import *  # noqa: F403
from .capital import *  # noqa: F403
from .enums import *  # noqa: F403
from .history import *  # noqa: F403
from .markets import *  # noqa: F403
from .orders import *  # noqa: F403
from .positions import *  # noqa: F403
from .rfq import *  # noqa: F403
from .strategies import *  # noqa: F403
from .system import *  # noqa: F403
from .trades import *  # noqa: F403
from .vaults import *  # noqa: F403
