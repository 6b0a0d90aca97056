"""The worker's web server: HTTP ingest, queries, metrics and the live dashboard."""
