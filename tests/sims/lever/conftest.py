from __future__ import annotations

from lever_helpers import lever, live

__all__ = ["lever", "live"]
