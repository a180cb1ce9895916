"""Print the endpoint table as Markdown: ``python -m bpx_async.endpoints``.

The README's endpoint table is this output; a test keeps the two in step.
"""

from __future__ import annotations

from . import ENDPOINTS


def markdown_table() -> str:
    """One row per operation: method, path, instruction, client method (linked to the
    operation in the official docs), auth."""
    lines = [
        "| Method | Path | Instruction | Client method (official docs) | Auth |",
        "|---|---|---|---|---|",
    ]
    for e in ENDPOINTS:
        instruction = f"`{e.instruction}`" if e.instruction else "—"
        method = f"[`client.{e.name}()`]({e.docs_url})"
        lines.append(f"| {e.method} | `{e.path}` | {instruction} | {method} | {e.auth} |")
    return "\n".join(lines)


if __name__ == "__main__":
    print(markdown_table())
