"""Request and response models of the Rfq group."""

from __future__ import annotations

__all__: list[str] = []
