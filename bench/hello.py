"""The baseline: a bare Flask route returning a small JSON object, served by the same gunicorn
config as the app (`gunicorn -c gunicorn.conf.py bench.hello:app`)."""
from flask import Flask

from bench.ready import mark

app = Flask(__name__)


@app.get("/hello")
def hello():
    return {"status": "ok"}


mark()
