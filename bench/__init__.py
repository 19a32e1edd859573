"""Benchmarks of the Bayeux server: fan-out against peer servers, the latency knee, memory per session.

Run them with `make bench` or `python -m bench` (see bench/README.md). They report; they do not pass or
fail.
"""
