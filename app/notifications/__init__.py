"""In-app inbox and WeChat subscribe messages (sent by a job after commit)."""
