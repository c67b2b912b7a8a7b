"""deploy/: a timer for every periodic job, each naming a command the app has; the nginx site
passes uploads and the client address."""
import re

from tests.conftest import ROOT

DEPLOY = ROOT / "deploy"


def _jobs_sh() -> dict[str, list[str]]:
    text = (DEPLOY / "jobs.sh").read_text()
    return {name: cmd.split() for name, cmd in
            re.findall(r"^\s+([a-z-]+)\)\s+exec \$FLASK ([a-z -]+?) ;;", text, re.M)}


def test_every_timer_runs_a_job_that_exists_and_every_job_has_a_timer(app):
    jobs = _jobs_sh()
    timers = {p.name[len("linlitong-job-"):-len(".timer")]
              for p in (DEPLOY / "systemd").glob("linlitong-job-*.timer")}
    assert timers == set(jobs)
    runner = app.test_cli_runner()
    for name, args in jobs.items():
        out = runner.invoke(args=[*args, "--help"])
        assert out.exit_code == 0, (name, out.output)


def test_every_domain_with_periodic_jobs_has_its_timers():
    """Each domain's jobs.py (and the outbox drain) is reached by some timer's command."""
    groups = {args[0] for args in _jobs_sh().values()}
    named = {"auth": "privacy"}
    # the Excel workbook: asked for by a request; notifications' pushes: written by notify_many;
    # both run through the outbox
    on_demand = {"stats", "notifications"}
    for jobs in (ROOT / "app").glob("*/jobs.py"):
        domain = jobs.parent.name
        if domain in on_demand:
            continue
        assert named.get(domain, domain) in groups, f"no timer runs {domain}'s jobs"
    assert "jobs" in groups  # flask jobs drain
    # the governance jobs the issue names
    for cmd in (["feedback", "escalate"], ["files", "sweep-orphans"],
                ["consultations", "tick"], ["projects", "remind-meetings"],
                ["projects", "escalate"], ["orders", "escalate"], ["mall", "sweep-vouchers"]):
        assert cmd in _jobs_sh().values()


def test_the_nginx_site_passes_uploads_and_the_client_address():
    site = (DEPLOY / "nginx" / "linlitong.conf").read_text()
    assert "client_max_body_size 6m;" in site
    assert "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;" in site
    assert len(re.findall(r"^\s+server \S+:\d+", site, re.M)) == 2
    assert "proxy_next_upstream error;" in site  # a write is never sent to both instances


def test_units_run_gunicorn_and_the_worker_with_a_graceful_stop():
    web = (DEPLOY / "systemd" / "linlitong-web@.service").read_text()
    worker = (DEPLOY / "systemd" / "linlitong-worker@.service").read_text()
    assert "gunicorn -c gunicorn.conf.py wsgi:app" in web and "KillSignal=SIGTERM" in web
    assert "rq worker" in worker and "linlitong" in worker
