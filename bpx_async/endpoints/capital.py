"""Endpoint records of the Capital group (docs tags Capital and Withdrawal Delays).
The official spec gives the withdrawal-delay operations no signing instruction: ``auth="session"``.
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
    docs=("Capital", "get_balances"),
    method="GET",
    path="/api/v1/capital",
    instruction="balanceQuery",
    request=None,
    response=dict[str, Balance],
    auth="signed",
)
COLLATERAL: Endpoint[MarginAccountSummary] = Endpoint(
    name="capital.collateral",
    docs=("Capital", "get_collateral"),
    method="GET",
    path="/api/v1/capital/collateral",
    instruction="collateralQuery",
    request=CollateralRequest,
    response=MarginAccountSummary,
    auth="signed",
)
DEPOSIT_ADDRESS: Endpoint[DepositAddress] = Endpoint(
    name="capital.deposit_address",
    docs=("Capital", "get_deposit_address"),
    method="GET",
    path="/wapi/v1/capital/deposit/address",
    instruction="depositAddressQuery",
    request=DepositAddressRequest,
    response=DepositAddress,
    auth="signed",
)
DEPOSITS: Endpoint[list[Deposit]] = Endpoint(
    name="capital.deposits",
    docs=("Capital", "get_deposits"),
    method="GET",
    path="/wapi/v1/capital/deposits",
    instruction="depositQueryAll",
    request=DepositsRequest,
    response=list[Deposit],
    auth="signed",
)
WITHDRAWALS: Endpoint[list[Withdrawal]] = Endpoint(
    name="capital.withdrawals",
    docs=("Capital", "get_withdrawals"),
    method="GET",
    path="/wapi/v1/capital/withdrawals",
    instruction="withdrawalQueryAll",
    request=WithdrawalsRequest,
    response=list[Withdrawal],
    auth="signed",
)
WITHDRAW: Endpoint[Withdrawal] = Endpoint(
    name="capital.withdraw",
    docs=("Capital", "request_withdrawal"),
    method="POST",
    path="/wapi/v1/capital/withdrawals",
    instruction="withdraw",
    request=WithdrawRequest,
    response=Withdrawal,
    auth="signed",
)
WITHDRAWAL_DELAY: Endpoint[WithdrawalDelay | None] = Endpoint(
    name="capital.withdrawal_delay",
    docs=("Withdrawal Delays", "get_withdrawal_delay"),
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
    docs=("Withdrawal Delays", "create_withdrawal_delay"),
    method="POST",
    path="/wapi/v1/capital/withdrawals/delay",
    instruction=None,
    request=WithdrawalDelayRequest,
    response=type(None),
    kind="empty",
    auth="session",
)
UPDATE_WITHDRAWAL_DELAY: Endpoint[WithdrawalDelay] = Endpoint(
    name="capital.update_withdrawal_delay",
    docs=("Withdrawal Delays", "update_withdrawal_delay"),
    method="PATCH",
    path="/wapi/v1/capital/withdrawals/delay",
    instruction=None,
    request=WithdrawalDelayRequest,
    response=WithdrawalDelay,
    auth="session",
)
