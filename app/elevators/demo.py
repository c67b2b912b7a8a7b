def seed() -> None:
    return None
