"""gunicorn settings: `gunicorn -c gunicorn.conf.py wsgi:app`. Every value can be set by env."""
import multiprocessing
import os

bind = os.environ.get("BIND", "127.0.0.1:5000")
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
worker_class = os.environ.get("WORKER_CLASS", "gthread")
threads = int(os.environ.get("THREADS", "4"))
timeout = int(os.environ.get("WORKER_TIMEOUT", "30"))
graceful_timeout = int(os.environ.get("GRACEFUL_TIMEOUT", "20"))
keepalive = 5
max_requests = 5000
max_requests_jitter = 500
# Load the app in each worker (not the master) so no database connection is shared by fork.
preload_app = False
accesslog = os.environ.get("ACCESS_LOG", "-") or None
# The path only: query strings may carry codes, and no header (tokens) is logged.
access_log_format = '%(h)s "%(m)s %(U)s" %(s)s %(b)s %(M)sms'
errorlog = "-"

# Logs as JSON lines (app/common/logging.py) unless LOG_FORMAT=text; the access log too, with
# the request id the app echoes (X-Request-Id) and no query string.
os.environ.setdefault("LOG_FORMAT", "json")
if os.environ["LOG_FORMAT"] == "json":
    access_log_format = ('{"ts":"%(t)s","logger":"gunicorn.access","remote":"%(h)s",'
                         '"method":"%(m)s","path":"%(U)s","status":%(s)s,"bytes":"%(b)s",'
                         '"ms":%(M)s,"request_id":"%({x-request-id}o)s"}')

# /metrics sums every worker's counts: prometheus-client's multiprocess mode keeps them in
# files under PROMETHEUS_MULTIPROC_DIR (emptied when the server starts, a dead worker's
# gauges dropped).
if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
    import tempfile

    os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="llt-metrics-")


def on_starting(server):
    import glob

    for path in glob.glob(os.path.join(os.environ["PROMETHEUS_MULTIPROC_DIR"], "*.db")):
        os.remove(path)


def child_exit(server, worker):
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)
