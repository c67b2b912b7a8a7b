"""`flask orders escalate`."""
import click
from flask import Flask, current_app

from app.jobs import enqueue
from app.orders.jobs import escalate as escalate_job


def register(app: Flask) -> None:
    @app.cli.group("orders")
    def orders():
        """Service request jobs."""

    @orders.command("escalate")
    @click.option("--enqueue", "to_queue", is_flag=True,
                  help="put the job on the RQ queue instead")
    def escalate(to_queue):
        """Return overdue dispatches to the queue; auto-confirm silent completions; cancel proxy
        orders the resident did not agree to in time (cron)."""
        queue = current_app.extensions.get("rq_queue")
        if to_queue and queue is not None:
            click.echo(f"enqueued {enqueue(queue, 'app.orders.jobs:escalate').id}")
            return
        click.echo(escalate_job())
