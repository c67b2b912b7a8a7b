"""gunicorn settings: `gunicorn -c gunicorn.conf.py wsgi:app`. Every value can be set by env."""
import multiprocessing
import os

bind = os.environ.get("BIND", "127.0.0.1:5000")
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
worker_class = os.environ.get("WORKER_CLASS", "gthread")
threads = int(os.environ.get("THREADS", "4"))
timeout = int(os.environ.get("WORKER_TIMEOUT", "30"))
graceful_timeout = 20
keepalive = 5
max_requests = 5000
max_requests_jitter = 500
# Load the app in each worker (not the master) so no database connection is shared by fork.
preload_app = False
accesslog = os.environ.get("ACCESS_LOG", "-") or None
# The path only: query strings may carry codes, and no header (tokens) is logged.
access_log_format = '%(h)s "%(m)s %(U)s" %(s)s %(b)s %(M)sms'
errorlog = "-"
