"""Request and response models of the Assets group."""

from __future__ import annotations

__all__: list[str] = []
