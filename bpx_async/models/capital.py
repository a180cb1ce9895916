"""Request and response models of the Capital group."""

from __future__ import annotations

__all__: list[str] = []
