"""REST endpoints of the KOL database (mounted under /api/)."""

from ninja import Router

router = Router(tags=["KOLs"])
