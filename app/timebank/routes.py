from flask_smorest import Blueprint

blp = Blueprint("timebank", __name__, url_prefix="/api/v1", description="时间银行与积分商城")
