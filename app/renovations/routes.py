from app.web.boundary import Blueprint

blp = Blueprint("renovations", __name__, url_prefix="/api/v1")
