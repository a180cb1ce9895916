"""Endpoint records of the Vaults group (REFERENCE.md section 3)."""

from __future__ import annotations
