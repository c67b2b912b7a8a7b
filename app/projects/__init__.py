"""The community's 大党委: members, quarterly meetings, and the projects its resolutions become."""
