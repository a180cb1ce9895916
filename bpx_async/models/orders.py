"""Request and response models of the Orders group."""

from __future__ import annotations

__all__: list[str] = []
