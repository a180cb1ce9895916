"""Endpoint records of the Assets group (REFERENCE.md section 3)."""

from __future__ import annotations
