"""gunicorn settings read automatically when gunicorn starts in this folder (docs/deploy.md).

Command-line options still win, so `gunicorn --workers 8 wsgi:app` overrides a value here.
"""

import os

# Each worker touches a heartbeat file on every loop of its event loop. On a disk-backed
# /tmp (containers, overlay file systems) that utime() cost about 0.1 ms per request in
# bench/load.py; in RAM it is free.
# (gunicorn creates the file with mkstemp: private to the worker, whatever the folder.)
if os.path.isdir("/dev/shm"):  # noqa: S108
    worker_tmp_dir = "/dev/shm"  # noqa: S108
