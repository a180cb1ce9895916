"""Request and response models of the Trades group."""

from __future__ import annotations

__all__: list[str] = []
