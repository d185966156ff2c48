"""One native thread per process for the numeric libraries (faiss's OpenMP, numpy's
OpenBLAS), set before they load.

Why: Samenspel's parallelism is processes (gunicorn's workers, the queue worker). With
the libraries' defaults every process also starts a pool of one thread per core, and those
threads spin while they wait: with 3 processes on 2 cores an instrument page took
~200 ms instead of ~107 ms (bench/README.md, "Third round"), and under load the workers
spent half the CPU spinning. The model has its own setting (``SEARCH_EMBEDDER_THREADS``).
A value already in the environment wins, so a machine that wants more sets it there.
"""

import os

VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")


def limit_native_threads() -> None:
    """Call first in an entry point (``manage.py``, ``samenspel/wsgi.py``)."""
    for name in VARIABLES:
        os.environ.setdefault(name, "1")
