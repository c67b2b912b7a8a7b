"""Demo data of this domain for `flask seed-demo` (idempotent)."""


def seed() -> None:
    pass
