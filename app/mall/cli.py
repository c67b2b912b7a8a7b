"""`flask mall sweep-vouchers` (also reachable by its first name, `flask timebank
sweep-vouchers`, which existing cron entries use)."""
import click
from flask import Flask
from flask.cli import AppGroup, with_appcontext

from app.mall.jobs import sweep_job


@click.command("sweep-vouchers")
@with_appcontext
@click.option("--batch", default=500, show_default=True)
def sweep_vouchers(batch):
    """Refund expired vouchers and purge old idempotency keys (idempotent: run it from cron
    as often as you like)."""
    click.echo(f"refunded {sweep_job(batch)} expired voucher(s)")


def register(app: Flask) -> None:
    group = AppGroup("mall", help="积分商城：兑换券过期处理")
    group.add_command(sweep_vouchers)
    app.cli.add_command(group)
    timebank = app.cli.commands.get("timebank")  # registered before the mall (DOMAINS order)
    if timebank is not None:
        timebank.add_command(sweep_vouchers)
