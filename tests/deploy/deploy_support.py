"""Where the deployment files live; the metric names the service exports, and those a PromQL expression
names."""

from __future__ import annotations

import re
from pathlib import Path

from prometheus_client import REGISTRY

import hirebridge.web.app  # noqa: F401  (imports every module that registers a metric)
from hirebridge.web.metrics import GAUGES

DEPLOY = Path(__file__).parents[2] / "deploy"
SUFFIXES = {"counter": ("_total",), "histogram": ("_bucket", "_sum", "_count"), "gauge": ("",)}
_NAME = re.compile(r"\bhirebridge_[a-z0-9_]+")


def exported() -> set[str]:
    names = set(GAUGES)
    for family in REGISTRY.collect():
        if family.name.startswith("hirebridge_"):
            names |= {family.name + suffix for suffix in SUFFIXES.get(family.type, ("",))}
    return names


def named_in(expr: str) -> set[str]:
    return set(_NAME.findall(expr))
