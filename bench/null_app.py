"""Reference (a) of P1: the same ASGI stack as `hirebridge serve` (uvicorn with the same options,
FastAPI behind the same direct webhook routes) answering 200 to the same webhook route without doing
anything."""

from __future__ import annotations

import sys

import uvicorn
from fastapi import FastAPI
from starlette.requests import Request
from starlette.responses import JSONResponse

from hirebridge.web.direct_routes import DirectRoutes


async def accept(request: Request) -> JSONResponse:
    await request.body()
    return JSONResponse({"status": "accepted"})


api = FastAPI(docs_url=None, redoc_url=None, openapi_url=None)
api.add_route("/webhooks/lever/{connection}", accept, methods=["POST"])
api.add_route("/healthz", lambda request: JSONResponse({"status": "ok"}), methods=["GET"])
app = DirectRoutes(api, {"/webhooks/lever": accept})

if __name__ == "__main__":
    uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[1]), log_level="warning", access_log=False)
