"""Parsing the project's source for the structure tests."""

from __future__ import annotations

import ast
import gc
from pathlib import Path


def parsed(path: Path) -> ast.Module:
    """`ast.parse`, with the collector held off. CPython 3.11 (before 3.11.8) fails with "AST
    constructor recursion depth mismatch" when a finalizer runs inside the AST constructor
    (python/cpython#106905) — here an earlier test's asyncio task being collected as it logs."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        return ast.parse(path.read_text(), filename=str(path))
    finally:
        if enabled:
            gc.enable()
