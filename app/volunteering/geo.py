"""Great-circle distance for the shift geofence.

Shift places and volunteers' positions are both GCJ-02 (WeChat's system: the mini-program reads
positions with wx.getLocation type=gcj02 and staff pick places with wx.chooseLocation). GCJ-02 is
WGS-84 shifted by a smoothly varying offset, so distances between two GCJ-02 points are
distances on the ground; mixing the systems is not (at the demo site they differ by ~450 m).
"""
import math

EARTH_RADIUS_M = 6_371_008.8  # mean Earth radius (IUGG)


def haversine_m(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    """Distance in metres between two points of the same system (GCJ-02 here); accurate to well
    under 0.5% at city scale, far below GPS error, so no ellipsoid model is needed."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lng2 - lng1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))
