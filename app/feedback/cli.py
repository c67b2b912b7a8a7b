import click
from flask import Flask, current_app

from app.feedback import jobs
from app.jobs import enqueue as put


def register(app: Flask) -> None:
    @app.cli.group("feedback")
    def feedback():
        """社情民意 jobs."""

    @feedback.command("escalate")
    @click.option("--enqueue", is_flag=True, help="put the job on the RQ queue instead")
    def escalate(enqueue):
        """Tell handlers, then the street, of overdue reports; close resolutions left unrated
        for 7 days (cron, every few minutes)."""
        queue = current_app.extensions.get("rq_queue")
        if enqueue and queue is not None:
            job = put(queue, "app.feedback.jobs:escalate")
            click.echo(f"enqueued {job.id}")
            return
        click.echo(jobs.escalate())
