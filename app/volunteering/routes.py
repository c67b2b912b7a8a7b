from flask_smorest import Blueprint

blp = Blueprint("volunteering", __name__, url_prefix="/api/v1", description="志愿服务与党员双报到")
