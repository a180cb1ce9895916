"""Endpoint records of the Capital group (REFERENCE.md section 3, Capital and Withdrawal Delays).
The withdrawal-delay operations document no instruction (REFERENCE 2.9 item 7): ``auth="session"``.
"""

from __future__ import annotations

from ..models.capital import (
    Balance,
    CollateralRequest,
    Deposit,
    DepositAddress,
    DepositAddressRequest,
    DepositsRequest,
    MarginAccountSummary,
    Withdrawal,
    WithdrawalDelay,
    WithdrawalDelayRequest,
    WithdrawalsRequest,
    WithdrawRequest,
)
from ._spec import Endpoint

BALANCES: Endpoint[dict[str, Balance]] = Endpoint(
    name="capital.balances",
    method="GET",
    path="/api/v1/capital",
    instruction="balanceQuery",
    request=None,
    response=dict[str, Balance],
    auth="signed",
)
COLLATERAL: Endpoint[MarginAccountSummary] = Endpoint(
    name="capital.collateral",
    method="GET",
    path="/api/v1/capital/collateral",
    instruction="collateralQuery",
    request=CollateralRequest,
    response=MarginAccountSummary,
    auth="signed",
)
DEPOSIT_ADDRESS: Endpoint[DepositAddress] = Endpoint(
    name="capital.deposit_address",
    method="GET",
    path="/wapi/v1/capital/deposit/address",
    instruction="depositAddressQuery",
    request=DepositAddressRequest,
    response=DepositAddress,
    auth="signed",
)
DEPOSITS: Endpoint[list[Deposit]] = Endpoint(
    name="capital.deposits",
    method="GET",
    path="/wapi/v1/capital/deposits",
    instruction="depositQueryAll",
    request=DepositsRequest,
    response=list[Deposit],
    auth="signed",
)
WITHDRAWALS: Endpoint[list[Withdrawal]] = Endpoint(
    name="capital.withdrawals",
    method="GET",
    path="/wapi/v1/capital/withdrawals",
    instruction="withdrawalQueryAll",
    request=WithdrawalsRequest,
    response=list[Withdrawal],
    auth="signed",
)
WITHDRAW: Endpoint[Withdrawal] = Endpoint(
    name="capital.withdraw",
    method="POST",
    path="/wapi/v1/capital/withdrawals",
    instruction="withdraw",
    request=WithdrawRequest,
    response=Withdrawal,
    auth="signed",
)
WITHDRAWAL_DELAY: Endpoint[WithdrawalDelay | None] = Endpoint(
    name="capital.withdrawal_delay",
    method="GET",
    path="/wapi/v1/capital/withdrawals/delay",
    instruction=None,
    request=None,
    response=WithdrawalDelay,
    auth="session",
    # The spec documents a 204 "No content" answer (no delay configured).
    allow_no_content=True,
)
CREATE_WITHDRAWAL_DELAY: Endpoint[None] = Endpoint(
    name="capital.create_withdrawal_delay",
    method="POST",
    path="/wapi/v1/capital/withdrawals/delay",
    instruction=None,
    request=WithdrawalDelayRequest,
    response=None,
    kind="empty",
    auth="session",
)
UPDATE_WITHDRAWAL_DELAY: Endpoint[WithdrawalDelay] = Endpoint(
    name="capital.update_withdrawal_delay",
    method="PATCH",
    path="/wapi/v1/capital/withdrawals/delay",
    instruction=None,
    request=WithdrawalDelayRequest,
    response=WithdrawalDelay,
    auth="session",
)
