"""Request and response models of the Positions group."""

from __future__ import annotations

__all__: list[str] = []
