import click
from flask import Flask


def register(app: Flask) -> None:
    @app.cli.group("orders")
    def orders():
        """Service request jobs."""

    @orders.command("escalate")
    @click.option("--enqueue", is_flag=True, help="put the job on the RQ queue instead")
    def escalate(enqueue):
        """Return overdue dispatches to the queue; auto-confirm silent completions (cron)."""
        from flask import current_app

        from app.jobs import enqueue as put

        queue = current_app.extensions.get("rq_queue")
        if enqueue and queue is not None:
            job = put(queue, "app.orders.service:escalate")
            click.echo(f"enqueued {job.id}")
            return
        from app.orders.service import escalate as run

        click.echo(run())
