"""What the unit tests, the e2e suite and the benchmarks share: a real redis-server (redis_server.py),
the differential client and the status table, HAR validity, the export storm's harness, what a
classmate reads, the CSRF helper, and the sizes every page is looked at. No test module imports
another; each imports from here."""
