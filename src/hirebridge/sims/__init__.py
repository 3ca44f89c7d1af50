"""Simulators of Lever, Jira (with Service Management) and Justworks.

They speak the vendors' real HTTP APIs so that tests, benchmarks and the demo run end to end with no
network. Nothing outside this package imports it; the command line reaches it by module name only.
"""

from __future__ import annotations
