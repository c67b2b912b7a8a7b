import click
from flask import Flask


def register(app: Flask) -> None:
    @app.cli.group("files")
    def files():
        """Uploaded files."""

    @files.command("sweep-orphans")
    @click.option("--enqueue", is_flag=True, help="put the job on the RQ queue instead")
    def sweep_orphans(enqueue):
        """Delete files uploaded over 24 hours ago and never attached to a record (cron)."""
        _run("sweep_orphans", enqueue)

    @files.command("check-photos")
    @click.option("--enqueue", is_flag=True, help="put the job on the RQ queue instead")
    def check_photos(enqueue):
        """Ask WeChat's image check again where it never started or never answered (cron)."""
        _run("check_photos", enqueue)


def _run(name: str, enqueue: bool) -> None:
    from flask import current_app

    from app.extensions import db
    from app.files import service
    from app.jobs import enqueue as put

    queue = current_app.extensions.get("rq_queue")
    if enqueue and queue is not None:
        click.echo(f"enqueued {put(queue, f'app.files.service:{name}').id}")
        return
    result = getattr(service, name)()
    db.session.commit()
    click.echo(result)
