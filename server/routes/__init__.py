"""Thin routes: parse, call one service function, return a schema."""

from fastapi import APIRouter

from server.routes import auth, claims, dashboard, guarantees, health, simulations

api_router = APIRouter(prefix="/api/v1")
for module in (health, auth, dashboard, simulations, claims, guarantees):
    api_router.include_router(module.router)

# issue 7: messagerie, démarches, notifications
from server.routes import messaging, notifications, requests  # noqa: E402

for module in (messaging, requests, notifications):
    api_router.include_router(module.router)

# issue 9: console conseiller
from server.routes import agent  # noqa: E402

api_router.include_router(agent.router)

# issue 8: « Mon profil »
from server.routes import profile  # noqa: E402

api_router.include_router(profile.router)

# issue 21: the care finder
from server.routes import directory  # noqa: E402

api_router.include_router(directory.router)
