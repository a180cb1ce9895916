"""Endpoint records of the Trades group (REFERENCE.md section 3)."""

from __future__ import annotations
