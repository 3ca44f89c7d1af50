"""hirebridge keeps Lever in sync with Jira, Jira Service Management and Justworks."""

from __future__ import annotations

__version__ = "0.1.0"
