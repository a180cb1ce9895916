"""``python -m bpx_async``: the ``bpx`` command line (see :mod:`bpx_async.cli`).

The console script ``bpx`` points at :func:`main` here.
"""

from __future__ import annotations

import sys

from .cli import main

__all__ = ["main"]

if __name__ == "__main__":
    sys.exit(main())
