"""`flask privacy purge-inactive`: anonymise accounts unused past the retention (cron, daily);
`flask console-login <openid>`: a one-time link into the staff web console (development)."""
import click
import sqlalchemy as sa
from flask import Flask, current_app
from flask.cli import AppGroup

from app.auth import console, jobs, privacy
from app.auth.models import User
from app.errors import ApiError
from app.extensions import db


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

    @app.cli.command("console-login")
    @click.argument("openid")
    @click.option("--base", default="http://127.0.0.1:5000", show_default=True,
                  help="where the console is served")
    def console_login(openid, base):
        """Print a one-time link (10 minutes) that logs this user into the web console."""
        user = db.session.scalar(sa.select(User).where(User.openid == openid))
        if user is None:
            raise click.ClickException("no user with that openid has logged in yet "
                                       "(run `flask seed-demo` for the demo identities)")
        try:
            ticket, secret = console.one_time_link(user)
        except ApiError as err:
            raise click.ClickException(err.message) from None
        db.session.commit()
        click.echo(f"{base.rstrip('/')}/console/login?once={ticket.ticket}.{secret}")
