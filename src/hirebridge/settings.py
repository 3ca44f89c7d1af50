"""Process settings that come from the environment, not from the recipe config."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, kw_only=True)
class Settings:
    database_url: str | None
    data_dir: Path
    config_path: Path | None

    @classmethod
    def from_env(cls, environ: Mapping[str, str] = os.environ) -> Settings:
        config = environ.get("HIREBRIDGE_CONFIG")
        return cls(
            database_url=environ.get("HIREBRIDGE_DATABASE_URL") or None,
            data_dir=Path(environ.get("HIREBRIDGE_DATA_DIR", ".hirebridge")),
            config_path=Path(config) if config else None,
        )
