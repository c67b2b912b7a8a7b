"""Party tests run in the volunteering tests' world: two communities with their staff, homes
and grids, and helpers that drive shifts through the API."""
from tests.volunteering.conftest import world  # noqa: F401
