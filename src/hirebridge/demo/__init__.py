"""`hirebridge demo`: the simulators, the service and a hiring season, on the embedded defaults."""

from __future__ import annotations
