# mypy: disable-error-code="empty-body"
# Method bodies are empty on purpose: @operation/@paginated (resources/_base.py) supply them.
"""Balances, collateral, deposits, withdrawals and the withdrawal-delay setting.

All signed, except the withdrawal-delay operations whose auth the spec leaves undocumented.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from ..endpoints import capital as ep
from ..models._base import DecimalInput
from ..models.capital import (
    Balance,
    Deposit,
    DepositAddress,
    MarginAccountSummary,
    Withdrawal,
    WithdrawalDelay,
    WithdrawalRecipientInformation,
)
from ..models.enums import Blockchain
from ._base import Resource, operation

__all__ = ["Capital"]


class Capital(Resource):
    """Balances, collateral, deposits, withdrawals and the withdrawal-delay setting."""

    __slots__ = ()

    @operation(ep.BALANCES)
    async def balances(self) -> dict[str, Balance]:
        """Spot balances keyed by asset symbol (available, locked, staked).

        ``GET /api/v1/capital``.
        """

    @operation(ep.COLLATERAL)
    async def collateral(self, subaccount_id: int | None = None) -> MarginAccountSummary:
        """Margin summary and collateral per asset, of the account or one subaccount.

        ``GET /api/v1/capital/collateral``.
        """

    @operation(ep.DEPOSIT_ADDRESS)
    async def deposit_address(self, blockchain: Blockchain | str) -> DepositAddress:
        """The account's deposit address on ``blockchain``.

        ``blockchain`` is a :class:`~bpx_async.models.enums.Blockchain` (``Blockchain.SOLANA``)
        or its exact wire spelling (``"Solana"``, ``"Bsc"``, ``"HyperEVM"``, ``"0G"``). Any other
        non-blank name is sent unchanged, since the exchange adds chains faster than SDK
        releases; the exchange rejects names it does not know. The spec documents a 409
        Conflict answer (:class:`~bpx_async.errors.ConflictError`) without explaining it.
        ``GET /wapi/v1/capital/deposit/address``.
        """

    @operation(ep.DEPOSITS)
    async def deposits(
        self,
        from_: int | datetime | None = None,
        to: int | datetime | None = None,
        limit: int | None = None,
        offset: int | None = None,
        exclude_platform: bool | None = None,
    ) -> list[Deposit]:
        """Deposit history, ``limit`` (1-1000, default 100) from ``offset``.

        ``from_``/``to`` (sent as ``from``/``to``) bound the creation time: milliseconds since
        the epoch, or timezone-aware datetimes. ``exclude_platform`` drops deposits that
        originate from the exchange itself. ``GET /wapi/v1/capital/deposits``.
        """

    @operation(ep.WITHDRAWALS, withdrawal_id="id")
    async def withdrawals(
        self,
        from_: int | datetime | None = None,
        to: int | datetime | None = None,
        limit: int | None = None,
        offset: int | None = None,
        *,
        withdrawal_id: int | None = None,
        client_id: str | None = None,
    ) -> list[Withdrawal]:
        """Withdrawal history, ``limit`` (1-1000, default 100) from ``offset``.

        ``from_``/``to`` as in :meth:`deposits`; ``withdrawal_id`` (sent as ``id``) and
        ``client_id`` filter for one withdrawal. ``GET /wapi/v1/capital/withdrawals``.
        """

    @operation(ep.WITHDRAW)
    async def withdraw(
        self,
        symbol: str,
        blockchain: Blockchain | str,
        address: str,
        quantity: DecimalInput,
        *,
        client_id: str | None = None,
        two_factor_token: str | None = None,
        auto_borrow: bool | None = None,
        auto_lend_redeem: bool | None = None,
        recipient_information: WithdrawalRecipientInformation | Mapping[str, Any] | None = None,
    ) -> Withdrawal:
        """Withdraw ``quantity`` of asset ``symbol`` to ``address`` on ``blockchain``.

        ``two_factor_token`` is needed unless the address is 2FA-exempt in the account's address
        book (Backpack's FAQ says API 2FA tokens are currently disabled, so in practice only such
        addresses work). ``client_id`` is a free string of at most 255 characters.
        ``recipient_information`` (travel-rule data) takes
        :class:`~bpx_async.models.capital.WithdrawalRecipientInformation` or a mapping with its
        snake_case keys (``withdrawal_address_id``, ``withdrawal_purpose``,
        ``sanctions_representation``); it is sent and signed as the same compact JSON object,
        a rule no official source documents.

        Never retried: a withdrawal that failed in transit may still have been executed, so the
        error is raised and the caller should check :meth:`withdrawals` (``client_id`` helps)
        before trying again. ``POST /wapi/v1/capital/withdrawals``.
        """

    @operation(ep.WITHDRAWAL_DELAY)
    async def withdrawal_delay(self) -> WithdrawalDelay | None:
        """The delay (hours) applied to withdrawals to non-whitelisted addresses and any pending
        change; None when the exchange answers 204 (no delay configured).

        ``GET /wapi/v1/capital/withdrawals/delay``.

        Authentication: the spec documents no signing instruction and no API-key headers for
        the three ``/wapi/v1/capital/withdrawals/delay`` operations (the web app uses a
        login session). Signing with a guessed instruction would at best be
        refused as an invalid signature and at worst pass a guess off as a rule, so the request
        is sent unsigned, exactly as documented. If the exchange requires a session it answers
        401, raised as :class:`~bpx_async.errors.AuthenticationError`.
        """

    @operation(ep.CREATE_WITHDRAWAL_DELAY, hours="withdrawal_delay_hours")
    async def create_withdrawal_delay(self, hours: int, two_factor_token: str) -> None:
        """Enable a withdrawal delay of ``hours``; 409 (:class:`~bpx_async.errors.ConflictError`)
        if one exists already. ``POST /wapi/v1/capital/withdrawals/delay`` (empty answer).

        Sent unsigned (the spec documents no instruction; see :meth:`withdrawal_delay`): an
        exchange that requires a login session answers 401,
        :class:`~bpx_async.errors.AuthenticationError`.
        """

    @operation(ep.UPDATE_WITHDRAWAL_DELAY, hours="withdrawal_delay_hours")
    async def update_withdrawal_delay(self, hours: int, two_factor_token: str) -> WithdrawalDelay:
        """Change the withdrawal delay to ``hours``; it takes effect when the current delay
        period ends. ``PATCH /wapi/v1/capital/withdrawals/delay``.

        Sent unsigned (the spec documents no instruction; see :meth:`withdrawal_delay`): an
        exchange that requires a login session answers 401,
        :class:`~bpx_async.errors.AuthenticationError`.
        """
