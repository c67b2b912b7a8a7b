from flask_smorest.fields import Upload
from marshmallow import Schema, fields, validate


class UploadIn(Schema):
    file = Upload(required=True, metadata={
        "description": "JPEG, PNG, WebP or PDF, at most 5 MB (checked by content)"})


class FileOut(Schema):
    id = fields.Integer()
    content_type = fields.String()
    size = fields.Integer(metadata={"description": "bytes as stored (images re-encoded)"})
    sha256 = fields.String()
    width = fields.Integer(metadata={"description": "images only"})
    height = fields.Integer(metadata={"description": "images only"})


class SignedArgs(Schema):
    exp = fields.Integer(load_default=None, metadata={"description": "unix seconds"})
    u = fields.Integer(load_default=None, metadata={"description": "the viewer signed for"})
    sig = fields.String(load_default=None, validate=validate.Length(max=128))


class FileRef(Schema):
    """How records carry an attached file."""

    id = fields.Integer()
    url = fields.String(metadata={"description": "signed for this viewer, valid 10 minutes"})


def photo_ids(max_count: int = 9):
    """The `photo_ids` field of a record's input: ids from `POST /files`."""
    return fields.List(fields.Integer(strict=True), load_default=list,
                       validate=validate.Length(max=max_count),
                       metadata={"description": f"up to {max_count} file ids from POST /files"})
