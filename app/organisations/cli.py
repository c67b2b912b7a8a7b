"""`flask organisations sync-roles`."""
import json

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from app.jobs import enqueue
from app.organisations.jobs import sync_roles_job


def register(app: Flask) -> None:
    group = AppGroup("organisations", help="小区组织：任期到期后的角色同步")

    @group.command("sync-roles")
    @click.option("--enqueue", "to_queue", is_flag=True, help="put the job on the RQ queue")
    def sync_roles(to_queue):
        """Grant and revoke `owners_committee` / `property` by the seats in office today
        (daily, after midnight Asia/Shanghai)."""
        queue = current_app.extensions.get("rq_queue")
        if to_queue and queue is not None:
            click.echo(f"enqueued {enqueue(queue, 'app.organisations.jobs:sync_roles_job').id}")
            return
        click.echo(json.dumps(sync_roles_job(), sort_keys=True))

    app.cli.add_command(group)
