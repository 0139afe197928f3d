"""gunicorn settings read automatically when gunicorn starts in this folder (docs/deploy.md).

Command-line options still win, so `gunicorn --workers 8 wsgi:app` overrides a value here.
"""

import os

# One worker per core, two threads each (a thread can serve while another waits on the
# database). bench/load.py measured 2 workers x 1-2 threads best on 2 cores: more workers
# than cores only added switching and queueing (higher p95 for the same throughput).
workers = os.cpu_count() or 2
worker_class = "gthread"
threads = 2

# Each worker touches a heartbeat file on every loop of its event loop. On a disk-backed
# /tmp (containers, overlay file systems) that utime() cost about 0.1 ms per request in
# bench/load.py; in RAM it is free.
# (gunicorn creates the file with mkstemp: private to the worker, whatever the folder.)
if os.path.isdir("/dev/shm"):  # noqa: S108
    worker_tmp_dir = "/dev/shm"  # noqa: S108


def post_worker_init(worker):  # type: ignore[no-untyped-def]
    """Once the app is loaded: move everything it built to the garbage collector's
    permanent generation. A full collection otherwise walks the ~125 000 objects of the
    imported libraries, a pause of about 50 ms in the middle of some participant's request,
    and they never become garbage anyway."""
    import gc

    gc.collect()
    gc.freeze()
