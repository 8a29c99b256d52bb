"""Running the collector: one cycle, one-shot runs, the schedule, the daemon, the lease."""
