"""`flask volunteering close-shifts`: mark no-shows once shifts are over (run it from cron)."""
import click
from flask import Flask
from flask.cli import AppGroup

from app.common.timeutil import utcnow
from app.extensions import db
from app.volunteering.service import close_ended_shifts

group = AppGroup("volunteering", help="志愿服务维护命令")


@group.command("close-shifts")
def close_shifts():
    """Close every shift whose check-out grace has passed: no-shows and unfinished check-ins."""
    results = close_ended_shifts(utcnow())
    db.session.commit()
    no_shows = sum(r["no_shows"] for r in results)
    unfinished = sum(r["unfinished"] for r in results)
    click.echo(f"closed {len(results)} shifts: {no_shows} no-shows, "
               f"{unfinished} unfinished check-ins for review")


def register(app: Flask) -> None:
    app.cli.add_command(group)
