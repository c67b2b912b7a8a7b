"""Street → community → compound → building → household; grids, stations, household binding."""
