"""Volunteering's HTTP routes, one blueprint per resource: activities (shifts and sign-ups),
attendance (on site, review, make-up records, records and leaderboards) and teams.

They are nested in one `volunteering` blueprint, which carries the URL prefix and is the tag
their operations are listed under in the OpenAPI document.
"""
from app.volunteering.routes import activities, attendance, teams
from app.web.boundary import Blueprint

blp = Blueprint("volunteering", __name__, url_prefix="/api/v1", description="志愿服务与党员双报到")
for resource in (activities, attendance, teams):
    blp.register_blueprint(resource.blp)

blps = [blp]
