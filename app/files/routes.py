from flask import Response, current_app, request

from app.auth.models import User
from app.auth.permissions import login_required, require_user
from app.auth.tokens import load_session
from app.errors import Unauthorized
from app.extensions import limiter
from app.files import schemas as s
from app.files import service
from app.sql import get_or_404
from app.web.boundary import Blueprint

blp = Blueprint("files", __name__, url_prefix="/api/v1", description="文件上传与访问")


@blp.before_request
def _upload_body_limit():
    """Only the upload takes bodies up to 5 MB; every other route keeps the 64 KB cap.
    The caller is checked first, so nobody may send 5 MB without a token."""
    if request.endpoint == "files.upload_file":
        require_user()
        request.max_content_length = service.UPLOAD_BODY_LIMIT


def _upload_limit() -> str:
    return current_app.config["UPLOAD_RATE_LIMIT"]


@blp.route("/files", methods=["POST"])
@blp.arguments(s.UploadIn, location="files")
@blp.response(201, s.FileOut)
@limiter.limit(_upload_limit)
@login_required
def upload_file(data):
    """Upload a photo or document (multipart field `file`). JPEG, PNG, WebP and PDF only,
    recognised by content; images are re-encoded without EXIF (GPS) and scaled to at most
    2,048 px. Anything else 422 `unsupported_file`; over 5 MB 413. Unattached files are
    deleted after 24 hours."""
    user = require_user()
    body = data["file"].stream.read(service.MAX_BYTES + 1)
    file = service.upload(user.id, body)
    return service.describe(file)


@blp.route("/files/<int:file_id>", methods=["GET"])
@blp.arguments(s.SignedArgs, location="query")
@blp.response(200, content_type="application/octet-stream",
              description="the file's bytes, with its own Content-Type")
def get_file(args, file_id):
    """The file, for whoever may see the record it is attached to (its uploader always), else
    404. With a Bearer token, or with the signed `exp`, `u`, `sig` of a record's `url`
    (403 when tampered with or expired)."""
    sess = load_session()
    if sess is not None:
        reader = sess.user
    elif args["sig"] is not None:
        user_id = service.verify_url(file_id, args["exp"], args["u"], args["sig"])
        reader = None if user_id == service.CHECKER else get_or_404(User, user_id, "文件不存在")
    else:
        raise Unauthorized()
    file = service.get_readable(file_id, reader)
    body = service.content(file)
    headers = {
        "Content-Length": str(file.size),
        "Cache-Control": "private, max-age=600",
        "X-Content-Type-Options": "nosniff",
        "ETag": f'"{file.sha256}"',
        "Content-Disposition": f'inline; filename="file-{file.id}.'
                               f'{file.content_type.rsplit("/", 1)[1]}"',
    }
    return Response(body, mimetype=file.content_type, headers=headers)

