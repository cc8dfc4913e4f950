"""Load test and fault drills against a throwaway copy of the site on 127.0.0.1.

`make loadtest` runs `python -m bench.loadtest`;
`make faults` runs `python -m bench.loadtest.faults`.
Both build their own PostgreSQL database and gunicorn, and tear them down however the run ends.
"""
