"""`flask consultations tick`: open and close consultations on time (cron, every minute)."""
import click
from flask import Flask, current_app
from flask.cli import AppGroup

from app.consultations import jobs
from app.jobs import enqueue

group = AppGroup("consultations", help="协商表决定时任务")


@group.command("tick")
@click.option("--enqueue", "queued", is_flag=True, help="put the job on the RQ queue instead")
def tick(queued):
    """Open drafts whose opening time has come; close and count those whose time is up."""
    queue = current_app.extensions.get("rq_queue")
    if queued and queue is not None:
        click.echo(f"enqueued {enqueue(queue, 'app.consultations.jobs:tick').id}")
        return
    click.echo(jobs.tick())


def register(app: Flask) -> None:
    app.cli.add_command(group)
