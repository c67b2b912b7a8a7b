import click
from flask import Flask, current_app

from app.files import jobs
from app.jobs import enqueue as put


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
    """Run the job of `app.files.jobs` here (it commits), or hand it to the worker."""
    queue = current_app.extensions.get("rq_queue")
    if enqueue and queue is not None:
        click.echo(f"enqueued {put(queue, f'app.files.jobs:{name}').id}")
        return
    click.echo(getattr(jobs, name)())
