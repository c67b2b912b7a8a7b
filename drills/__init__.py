"""Fault drills (`make drill`); not part of the app."""
