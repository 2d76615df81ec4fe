"""The guards around every request, each one concern with its own init_app: body and header limits
(body_limit.py, header_limit.py), security headers for the pages (security.py), compression of the
pages' answers (compression.py), CSRF for the playground's own routes (csrf.py), the debugger kept
off the endpoints (debugger.py), and memory given back after an export storm (allocator.py).
None of them changes an answer of the tutorial's endpoints."""
