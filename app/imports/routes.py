"""Bulk import from .xlsx: the household register (户籍册) and the party-member roster
(党员花名册). The spreadsheet comes as a multipart `file` on the import itself: `POST /files`
keeps only photos and PDFs, and a register is read once, never attached to a record."""
from flask import request

from app.auth.permissions import login_required, require_user
from app.common.timeutil import utcnow
from app.imports import reader, service
from app.imports import schemas as s
from app.web.boundary import Blueprint

blp = Blueprint("imports", __name__, url_prefix="/api/v1", description="表格批量导入")


@blp.before_request
def _upload_body_limit():
    """The imports take bodies up to 2 MB; every other route keeps the 64 KB cap. The
    caller is checked first, so nobody may send 2 MB without a token."""
    if request.endpoint in ("imports.import_households", "imports.import_roster"):
        require_user()
        request.max_content_length = reader.UPLOAD_BODY_LIMIT


def _run(kind: str, args: dict, files: dict) -> dict:
    user = require_user()
    data = files["file"].stream.read(reader.MAX_BYTES + 1)
    return service.run(kind, args["community_id"], data, args["dry_run"], utcnow(), user=user)


@blp.route("/imports/households", methods=["POST"])
@blp.arguments(s.ImportArgs, location="query")
@blp.arguments(s.ImportFileIn, location="files")
@blp.response(200, s.ImportReport)
@login_required
def import_households(args, files):
    """The household register of a community: columns 小区, 小区类型 (建制小区 / 老旧院落 /
    零散楼栋, optional), 楼栋, 单元 (optional), 房号, 面积 (m², optional). `dry_run=true`
    reports each row's problem and writes nothing; the real run imports every row or, when
    any row has a problem, nothing (422 `import_rejected`). Running it again changes
    nothing. Staff of the community or street admins of its street."""
    return _run("households", args, files)


@blp.route("/imports/party-roster", methods=["POST"])
@blp.arguments(s.ImportArgs, location="query")
@blp.arguments(s.ImportFileIn, location="files")
@blp.response(200, s.ImportReport)
@login_required
def import_roster(args, files):
    """The party-member roster of a community into the owners' party-member ledger: columns
    姓名, 手机号, 小区, 楼栋 / 单元 / 房号 (optional, must be in the register), 来源 (双报到 /
    流动党员 / 网格摸排), 所在单位, 备注. Dry run, all or nothing and repeatable, as above."""
    return _run("party-roster", args, files)
