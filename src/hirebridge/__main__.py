from __future__ import annotations

from hirebridge.cli import main

main()
