"""Benchmarks: `make bench` (never part of `make test`). Each prints median, p95 and a ratio measured side by
side in the same run, and writes bench/results/latest.json. Nothing here asserts a time."""
