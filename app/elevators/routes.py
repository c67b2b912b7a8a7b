from app.web.boundary import Blueprint

blp = Blueprint("elevators", __name__, url_prefix="/api/v1")
