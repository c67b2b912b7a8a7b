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


def register(app: Flask, domains: tuple[str, ...]) -> None:
    """Base commands here; a domain with a `cli.py` registers its own group there."""
    for domain in domains:
        if importlib.util.find_spec(f"app.{domain}.cli"):
            importlib.import_module(f"app.{domain}.cli").register(app)

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
