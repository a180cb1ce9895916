"""Request and response models of the Vaults group."""

from __future__ import annotations

__all__: list[str] = []
