"""Load the config file: what the schema reads (config/loader.py), then every check of the whole
file, those of the config itself and those that need domain rules (domain/config_checks.py)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from hirebridge.config.loader import check_connections, check_moves, read_config
from hirebridge.config.models import Config
from hirebridge.config.yamlsource import ConfigError, Locator, Problem
from hirebridge.domain.config_checks import check_references


def load_config(path: Path, environ: Mapping[str, str] = os.environ) -> Config:
    """The validated config, or ConfigError listing every problem as file:line:col."""
    config, locator = read_config(path, environ)
    problems = config_problems(config, locator, environ, file=str(path))
    if problems:
        raise ConfigError(problems)
    return config


def config_problems(
    config: Config, locator: Locator, environ: Mapping[str, str], *, file: str
) -> list[Problem]:
    """The problems of a config that fits the schema: connections, references, templates, privacy,
    moves."""
    problems = check_connections(config, locator, environ, file=file)
    problems += check_references(config, locator, file=file)
    problems += check_moves(config, locator, file=file)
    return problems
