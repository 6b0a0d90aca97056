"""Sources that bring articles in (files, crawler records → articles.raw) and sinks that carry
results out (JSONL snapshots, PostgreSQL, the terminal)."""
