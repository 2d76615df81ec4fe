"""Serving the playground: the command (cli.py), starting a server and printing its links (run.py),
the servers themselves with their limits (servers.py), and the hosted start-up under gunicorn
(deploy.py). ``python -m playground`` and ``python -m playground.serve`` start it."""
