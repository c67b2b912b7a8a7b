"""`flask timebank verify` and `flask timebank sweep-vouchers`."""
import json

import click
from flask import Flask
from flask.cli import AppGroup


def register(app: Flask) -> None:
    group = AppGroup("timebank", help="时间银行：对账与兑换券过期处理")

    @group.command("verify")
    def verify_cmd():
        """Recompute sums, balances and hash chains; exit 1 and list problems if any."""
        from app.timebank.verify import verify

        result = verify()
        click.echo(f"accounts checked: {result['accounts_checked']}, "
                   f"postings checked: {result['postings_checked']}")
        for problem in result["problems"]:
            click.echo(json.dumps(problem, ensure_ascii=False, sort_keys=True))
        if not result["ok"]:
            raise click.ClickException(f"{len(result['problems'])} problem(s) found")
        click.echo("ledger ok")

    @group.command("sweep-vouchers")
    @click.option("--batch", default=500, show_default=True)
    def sweep_cmd(batch):
        """Refund expired vouchers (idempotent: run it from cron as often as you like)."""
        from app.timebank.mall import sweep_job

        click.echo(f"refunded {sweep_job(batch)} expired voucher(s)")

    app.cli.add_command(group)
