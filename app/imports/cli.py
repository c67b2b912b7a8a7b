"""`flask imports households FILE --community-id N [--dry-run]` and
`flask imports party-roster FILE --community-id N [--dry-run]`."""
import json

import click
from flask import Flask
from flask.cli import AppGroup

from app.common.timeutil import utcnow
from app.errors import ApiError
from app.extensions import db
from app.imports import reader, service


def _run(kind: str, path: str, community_id: int, dry_run: bool) -> None:
    with open(path, "rb") as fh:
        data = fh.read(reader.MAX_BYTES + 1)
    try:
        report = service.run(kind, community_id, data, dry_run, utcnow())
    except ApiError as err:
        db.session.rollback()
        click.echo(json.dumps({"error": {"code": err.code, "message": err.message,
                                         "details": err.details}}, ensure_ascii=False,
                              indent=1, default=str))
        raise SystemExit(1) from None
    if dry_run:
        db.session.rollback()
    else:
        db.session.commit()
    click.echo(json.dumps(report, ensure_ascii=False, indent=1, default=str))
    if not report["ok"]:
        raise SystemExit(1)


def register(app: Flask) -> None:
    group = AppGroup("imports", help="从 Excel 表格导入户籍册与党员花名册")

    @group.command("households")
    @click.argument("path", type=click.Path(exists=True, dir_okay=False))
    @click.option("--community-id", type=int, required=True)
    @click.option("--dry-run", is_flag=True, help="check every row, write nothing")
    def households(path, community_id, dry_run):
        """Import the household register (小区, 楼栋, 单元, 房号, 面积) of a community."""
        _run("households", path, community_id, dry_run)

    @group.command("party-roster")
    @click.argument("path", type=click.Path(exists=True, dir_okay=False))
    @click.option("--community-id", type=int, required=True)
    @click.option("--dry-run", is_flag=True, help="check every row, write nothing")
    def party_roster(path, community_id, dry_run):
        """Import the party-member roster into the owners' party-member ledger."""
        _run("party-roster", path, community_id, dry_run)

    app.cli.add_command(group)
