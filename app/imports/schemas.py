"""Request and response schemas of spreadsheet imports."""
from flask_smorest.fields import Upload
from marshmallow import Schema, fields, validate


class ImportFileIn(Schema):
    file = Upload(required=True, metadata={"description": "Excel 表格（.xlsx），不超过 2 MB"})


class ImportArgs(Schema):
    community_id = fields.Integer(required=True, validate=validate.Range(min=1, max=2**31 - 1))
    dry_run = fields.Boolean(load_default=False,
                             metadata={"description": "true：只检查，逐行报告问题，不写入"})


class ImportProblem(Schema):
    row = fields.Integer(metadata={"description": "Excel 中的行号"})
    column = fields.String(allow_none=True, metadata={"description": "列名"})
    message = fields.String()


class ImportReport(Schema):
    kind = fields.String()
    community_id = fields.Integer()
    dry_run = fields.Boolean()
    rows = fields.Integer()
    ok = fields.Boolean()
    problems = fields.List(fields.Nested(ImportProblem))
    problems_total = fields.Integer()
    counts = fields.Dict(keys=fields.String(), values=fields.Integer())
