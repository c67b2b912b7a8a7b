"""Small leaf helpers shared by every domain: time, pagination, masking, db types."""
