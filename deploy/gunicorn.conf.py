"""gunicorn settings for Samenspel (``gunicorn -c deploy/gunicorn.conf.py``).

Every value can be set from the environment, so the same file serves ``make serve-prod``,
the systemd unit, the Compose file, the two-server test and ``bench/load.py``.
"""

import multiprocessing
import os

wsgi_app = "samenspel.wsgi:application"
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Sync workers: each request has a process to itself, and search's query embedding is
# CPU-bound, so threads would only queue behind the GIL. 2 x cores + 1 is gunicorn's advice.
# For the same reason each worker runs the embedding model on SEARCH_EMBEDDER_THREADS OpenMP
# threads (default 1, samenspel/settings.py), and faiss and numpy on one native thread
# (samenspel/native_threads.py, from the WSGI entry point): the processes are the
# parallelism, and one thread per core in every worker would oversubscribe the cores.
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "sync")
threads = int(os.environ.get("GUNICORN_THREADS", 1))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 60))
graceful_timeout = 30
keepalive = 5
# Load the application (Django, the URL map) once before forking: faster start, shared pages.
preload_app = os.environ.get("GUNICORN_PRELOAD", "true").lower() in ("1", "true", "yes")
# Recycle workers now and then so a slow leak never grows without bound.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", 2000))
max_requests_jitter = 200
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# The reverse proxy (deploy/nginx.conf) sets X-Forwarded-For and X-Forwarded-Proto.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
# gunicorn 27's control socket (`gunicornc`) defaults to one path per user, which a second
# instance on the same machine (two servers, the benchmark) would fight over, and which a
# hardened systemd unit without a writable home cannot create. Off unless a path is given.
control_socket = os.environ.get("GUNICORN_CONTROL_SOCKET", "")
control_socket_disable = not control_socket
