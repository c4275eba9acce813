"""What staff see and scrape: status, the admin's ops console and its actions,
dead-letter admin, Prometheus metrics and the throughput sparkline."""
