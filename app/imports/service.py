"""Run an import: read the sheet, check every row, then write everything or nothing.

A dry run reports each row's problem (row number, column, Chinese message) and what the real
run would create; it writes nothing. The real run refuses the whole file (422
`import_rejected`, nothing written) when any row has a problem; otherwise it writes every row
in the caller's one transaction. Natural keys make a repeated run change nothing.

Who: staff of the community, or street admins of its street (they bring the street's
records). The CLI runs as the operator (no user).
"""
import logging
from datetime import datetime

from app.auth.models import User
from app.auth.permissions import has_role, has_street_scope, require
from app.community.service import get_community
from app.errors import ApiError
from app.imports import household, reader, roster

log = logging.getLogger(__name__)
KINDS = ("households", "party-roster")


class ImportRejected(ApiError):
    status, code, message = 422, "import_rejected", "表格中有错误，未导入任何数据"


def may_import(user: User, community_id: int) -> bool:
    community = get_community(community_id)
    return has_role(user, "staff", community_id=community_id) or has_street_scope(
        user, community.street_id)


def run(kind: str, community_id: int, data: bytes, dry_run: bool, now: datetime,
        user: User | None = None) -> dict:
    community = get_community(community_id)
    if user is not None:
        require(may_import(user, community_id))
    module = household if kind == "households" else roster
    sheet = reader.read(data, module.COLUMNS)
    problems, rows = module.check(community, sheet)
    write = not dry_run and not problems
    if kind == "households":
        counts = household.apply(community, rows, write)
    else:
        counts = roster.apply(user.id if user else None, rows, write, now)
    report = {"kind": kind, "community_id": community.id, "dry_run": dry_run,
              "rows": len(sheet.rows), "ok": not problems, "problems": problems.items,
              "problems_total": problems.total, "counts": counts}
    if problems and not dry_run:
        raise ImportRejected(details={"rows": len(sheet.rows), "problems": problems.items,
                                      "problems_total": problems.total})
    log.info("import kind=%s community=%s dry_run=%s rows=%s problems=%s counts=%s by=%s",
             kind, community.id, dry_run, len(sheet.rows), problems.total, counts,
             user.id if user else "cli")
    return report
