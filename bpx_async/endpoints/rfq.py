"""Endpoint records of the Rfq group (REFERENCE.md section 3)."""

from __future__ import annotations
