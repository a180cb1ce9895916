"""Endpoint records of the BorrowLend group (REFERENCE.md section 3)."""

from __future__ import annotations
