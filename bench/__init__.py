"""`make bench`: latency, throughput, memory and training time (see docs/benchmarks.md)."""
