"""`flask privacy purge-inactive`: anonymise accounts unused past the retention (cron, daily)."""
import click
from flask import Flask, current_app
from flask.cli import AppGroup

from app.auth import jobs, privacy


def register(app: Flask) -> None:
    group = AppGroup("privacy", help="个人信息：不活跃账户的匿名化")

    @group.command("purge-inactive")
    @click.option("--dry-run", is_flag=True, help="list how many, change nothing")
    def purge_inactive_cmd(dry_run):
        """Anonymise accounts with no login for INACTIVE_ACCOUNT_DAYS (default 3 years), as a
        cancellation would; accounts with an open order are skipped until it is finished."""
        days = int(current_app.config["INACTIVE_ACCOUNT_DAYS"])
        if dry_run:
            click.echo(f"{len(privacy.inactive_users(days))} accounts inactive for {days} days")
            return
        done, skipped = jobs.purge_inactive(days)
        click.echo(f"anonymised {done} accounts inactive for {days} days; "
                   f"{skipped} skipped (open orders)")

    app.cli.add_command(group)
