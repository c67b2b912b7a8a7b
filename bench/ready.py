"""Each gunicorn worker, once it has loaded its app, leaves a file named by its pid in
`BENCH_READY_DIR`: the bench measures only when every worker is up."""
import os
from pathlib import Path


def mark() -> None:
    where = os.environ.get("BENCH_READY_DIR")
    if where:
        Path(where, str(os.getpid())).touch()
