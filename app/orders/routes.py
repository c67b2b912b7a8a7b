from flask_smorest import Blueprint

blp = Blueprint("orders", __name__, url_prefix="/api/v1", description="点单、派单、接单")
