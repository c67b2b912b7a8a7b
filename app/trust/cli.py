"""`flask trust verify` and `flask trust escalate-rechecks`."""
import json

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from app.jobs import enqueue
from app.trust.jobs import escalate_rechecks_job
from app.trust.verify import verify


def register(app: Flask) -> None:
    group = AppGroup("trust", help="信托制物业共管账户：核对与复核逾期提醒")

    @group.command("verify")
    def verify_cmd():
        """Recompute balances, public income and hash chains; exit 1 and list problems."""
        result = verify()
        click.echo(f"accounts checked: {result['accounts_checked']}, "
                   f"entries checked: {result['entries_checked']}")
        for problem in result["problems"]:
            click.echo(json.dumps(problem, ensure_ascii=False, sort_keys=True))
        if not result["ok"]:
            raise click.ClickException(f"{len(result['problems'])} problem(s) found")
        click.echo("trust accounts ok")

    @group.command("escalate-rechecks")
    @click.option("--enqueue", "to_queue", is_flag=True, help="put the job on the RQ queue")
    def escalate_cmd(to_queue):
        """Tell staff about rechecks unanswered past their deadline, once (cron, hourly)."""
        queue = current_app.extensions.get("rq_queue")
        if to_queue and queue is not None:
            click.echo(f"enqueued {enqueue(queue, 'app.trust.jobs:escalate_rechecks_job').id}")
            return
        click.echo(f"escalated: {escalate_rechecks_job()}")

    app.cli.add_command(group)
