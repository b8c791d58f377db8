"""The sandbox bank's HTTP routes, one module per area (admin, OAuth, SCA pages, AIS, payments)."""
