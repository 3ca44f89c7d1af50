"""Reference (a) of P1: the same ASGI stack (FastAPI on uvicorn, same options as `hirebridge serve`)
answering 200 to the same webhook route without doing anything."""

from __future__ import annotations

import sys

import uvicorn
from fastapi import FastAPI
from starlette.requests import Request
from starlette.responses import JSONResponse


async def accept(request: Request) -> JSONResponse:
    await request.body()
    return JSONResponse({"status": "accepted"})


app = FastAPI(docs_url=None, redoc_url=None, openapi_url=None)
app.add_route("/webhooks/lever/{connection}", accept, methods=["POST"])
app.add_route("/healthz", lambda request: JSONResponse({"status": "ok"}), methods=["GET"])

if __name__ == "__main__":
    uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[1]), log_level="warning", access_log=False)
