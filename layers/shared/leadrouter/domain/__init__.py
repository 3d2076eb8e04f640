"""The routing domain: pure Python, no AWS, no I/O; deterministic given a clock and a random source."""
