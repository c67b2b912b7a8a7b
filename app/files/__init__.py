"""Files: uploads checked by content, stored where every process sees them, attached to the
records of other domains, and served to those who may see those records."""
