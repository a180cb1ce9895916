"""Request and response models of the BorrowLend group."""

from __future__ import annotations

__all__: list[str] = []
