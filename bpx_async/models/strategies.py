"""Request and response models of the Strategies group."""

from __future__ import annotations

__all__: list[str] = []
