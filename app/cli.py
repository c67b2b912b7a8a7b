"""`flask seed-demo`, `flask grant-admin` and the other operator commands."""
import importlib
import importlib.util

import click
import sqlalchemy as sa
from flask import Flask

from app.auth.models import RoleGrant, User
from app.auth.service import record_grant
from app.demo import DemoRefused, seed
from app.extensions import db
from app.jobs import depth, drain, purge_done


def register(app: Flask, domains: tuple[str, ...]) -> None:
    """Base commands here; a domain with a `cli.py` registers its own group there."""
    for domain in domains:
        if importlib.util.find_spec(f"app.{domain}.cli"):
            importlib.import_module(f"app.{domain}.cli").register(app)

    @app.cli.group("jobs")
    def jobs_group():
        """The job outbox: run what is due, count what waits."""

    @jobs_group.command("drain")
    @click.option("--limit", default=500, show_default=True)
    @click.option("--purge-days", default=7, show_default=True,
                  help="delete rows done longer ago than this")
    def jobs_drain(limit, purge_days):
        """Run due outbox jobs: never announced (Redis was down), waiting for a retry, or
        left by a dead worker past its lease (timer, every minute)."""
        ran = drain(limit)
        purged = purge_done(purge_days)
        db.session.commit()
        click.echo(f"ran {ran} job(s); purged {purged} done")

    @jobs_group.command("status")
    def jobs_status():
        """Outbox rows not done, by status."""
        click.echo(" ".join(f"{k}={v}" for k, v in sorted(depth().items())))

    @app.cli.command("seed-demo")
    def seed_demo():
        """Create the demo communities and identities; running it again changes nothing."""
        try:
            created = seed()
        except DemoRefused as err:
            raise click.ClickException(str(err)) from None
        db.session.commit()
        click.echo(f"demo data ready ({created} new rows)")

    @app.cli.command("grant-admin")
    @click.argument("openid")
    def grant_admin(openid):
        """Make the user with this openid an admin (bootstraps a new deployment; in the app a
        new admin needs a second admin's approval)."""
        user = db.session.scalar(sa.select(User).where(User.openid == openid))
        if user is None:
            raise click.ClickException("no user with that openid has logged in yet")
        if not any(g.role == "admin" for g in user.grants):
            grant = RoleGrant(user_id=user.id, role="admin")
            db.session.add(grant)
            db.session.flush()
            record_grant(None, grant, via="cli")
            db.session.commit()
        click.echo(f"user {user.id} is admin")
