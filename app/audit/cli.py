"""`flask audit purge`: remove audit entries older than the retention (cron, daily)."""
import click
from flask import Flask
from flask.cli import AppGroup

from app.audit import jobs, service


def register(app: Flask) -> None:
    group = AppGroup("audit", help="审计日志：按保存期限清理")

    @group.command("purge")
    @click.option("--dry-run", is_flag=True, help="count what would be removed, remove nothing")
    def purge_cmd(dry_run):
        """Delete entries older than AUDIT_RETENTION_DAYS (at least 184 days, the default)."""
        try:
            days = service.retention_days()
            if dry_run:
                click.echo(f"{service.count_expired()} entries older than {days} days")
                return
            deleted = jobs.purge()
        except service.RetentionTooShort as exc:
            raise click.ClickException(str(exc)) from None
        click.echo(f"purged {deleted} entries older than {days} days")

    app.cli.add_command(group)
