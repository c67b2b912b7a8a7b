"""Compound party organisations, owners' committees, supervisory boards, self-management
committees and property companies; seats, cross-appointment and property class."""
