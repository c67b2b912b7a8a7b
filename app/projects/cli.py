"""`flask projects escalate` and `flask projects remind-meetings`."""
import click
from flask import Flask, current_app
from flask.cli import AppGroup

from app.jobs import enqueue
from app.projects.jobs import escalate_job, remind_meetings_job


def register(app: Flask) -> None:
    group = AppGroup("projects", help="大党委：逾期项目上报与季度会议提醒")

    def run(job, path: str, to_queue: bool, label: str) -> None:
        queue = current_app.extensions.get("rq_queue")
        if to_queue and queue is not None:
            click.echo(f"enqueued {enqueue(queue, path).id}")
            return
        click.echo(f"{label}: {job()}")

    @group.command("escalate")
    @click.option("--enqueue", "to_queue", is_flag=True, help="put the job on the RQ queue")
    def escalate(to_queue):
        """Tell staff, owners and the street about projects past their due date, once each
        (cron, daily)."""
        run(escalate_job, "app.projects.jobs:escalate_job", to_queue, "escalated")

    @group.command("remind-meetings")
    @click.option("--enqueue", "to_queue", is_flag=True, help="put the job on the RQ queue")
    def remind_meetings(to_queue):
        """Tell staff when the last quarter passed without a 大党委 meeting, once (cron,
        daily)."""
        run(remind_meetings_job, "app.projects.jobs:remind_meetings_job", to_queue, "reminded")

    app.cli.add_command(group)
