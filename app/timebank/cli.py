"""`flask timebank verify`. (`flask timebank sweep-vouchers` is the mall's command, added to
this group by `app.mall.cli`.)"""
import json

import click
from flask import Flask
from flask.cli import AppGroup

from app.timebank.verify import verify


def register(app: Flask) -> None:
    group = AppGroup("timebank", help="时间银行：对账")

    @group.command("verify")
    def verify_cmd():
        """Recompute sums, balances and hash chains; exit 1 and list problems if any."""
        result = verify()
        click.echo(f"accounts checked: {result['accounts_checked']}, "
                   f"postings checked: {result['postings_checked']}")
        for problem in result["problems"]:
            click.echo(json.dumps(problem, ensure_ascii=False, sort_keys=True))
        if not result["ok"]:
            raise click.ClickException(f"{len(result['problems'])} problem(s) found")
        click.echo("ledger ok")

    app.cli.add_command(group)
