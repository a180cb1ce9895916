"""Endpoint records of the Account group (convertDust is tagged Capital in the docs but is an
account action, reached as ``client.account.convert_dust``).
"""

from __future__ import annotations

from ..models.account import (
    AccountSummary,
    AccountUpdateRequest,
    ConvertDustRequest,
    MaxBorrowQuantity,
    MaxBorrowQuantityRequest,
    MaxOrderQuantity,
    MaxOrderQuantityRequest,
    MaxWithdrawalQuantity,
    MaxWithdrawalQuantityRequest,
)
from ._spec import Endpoint

GET: Endpoint[AccountSummary] = Endpoint(
    name="account.get",
    docs=("Account", "get_account"),
    method="GET",
    path="/api/v1/account",
    instruction="accountQuery",
    request=None,
    response=AccountSummary,
    auth="signed",
)
UPDATE: Endpoint[None] = Endpoint(
    name="account.update",
    docs=("Account", "update_account_settings"),
    method="PATCH",
    path="/api/v1/account",
    instruction="accountUpdate",
    request=AccountUpdateRequest,
    response=type(None),
    kind="empty",
    auth="signed",
)
MAX_BORROW_QUANTITY: Endpoint[MaxBorrowQuantity] = Endpoint(
    name="account.max_borrow_quantity",
    docs=("Account", "get_max_borrow_quantity"),
    method="GET",
    path="/api/v1/account/limits/borrow",
    instruction="maxBorrowQuantity",
    request=MaxBorrowQuantityRequest,
    response=MaxBorrowQuantity,
    auth="signed",
)
MAX_ORDER_QUANTITY: Endpoint[MaxOrderQuantity] = Endpoint(
    name="account.max_order_quantity",
    docs=("Account", "get_max_order_quantity"),
    method="GET",
    path="/api/v1/account/limits/order",
    instruction="maxOrderQuantity",
    request=MaxOrderQuantityRequest,
    response=MaxOrderQuantity,
    auth="signed",
)
MAX_WITHDRAWAL_QUANTITY: Endpoint[MaxWithdrawalQuantity] = Endpoint(
    name="account.max_withdrawal_quantity",
    docs=("Account", "get_max_withdrawal_quantity"),
    method="GET",
    path="/api/v1/account/limits/withdrawal",
    instruction="maxWithdrawalQuantity",
    request=MaxWithdrawalQuantityRequest,
    response=MaxWithdrawalQuantity,
    auth="signed",
)
CONVERT_DUST: Endpoint[None] = Endpoint(
    name="account.convert_dust",
    docs=("Capital", "convert_dust"),
    method="POST",
    path="/api/v1/account/convertDust",
    instruction="convertDust",
    request=ConvertDustRequest,
    response=type(None),
    kind="empty",
    auth="signed",
)
