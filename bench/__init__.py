"""Benchmarks: `make bench` (or `python -m bench.run`). See bench/README.md."""
