from flask_smorest import Blueprint

blp = Blueprint("catalog", __name__, url_prefix="/api/v1", description="服务类别与红色合伙人")
