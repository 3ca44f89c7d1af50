"""The running service: the config compiled once, one client per connection, the shared pool."""

from __future__ import annotations

import contextlib
import functools
import importlib
import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import httpx2
import psycopg
from psycopg_pool import AsyncConnectionPool

from hirebridge.config.models import Config
from hirebridge.connectors.jira import JiraClient
from hirebridge.connectors.lever import LeverClient
from hirebridge.domain.name_index import NameIndex
from hirebridge.domain.recipes import compile_recipe
from hirebridge.domain.subjects import Subject
from hirebridge.domain.templates import TemplateEngine
from hirebridge.errors import DatabaseError
from hirebridge.runtime.budget import SharedBudget
from hirebridge.runtime.oauth_vault import lever_oauth
from hirebridge.runtime.reconcile import LeverSide, Reconciler
from hirebridge.runtime.reference import LeverReference
from hirebridge.runtime.retry import RetryLater
from hirebridge.store import subjects


def _optional(module: str, name: str) -> Any:
    """A part that may be absent from a build (Jira inbound, Justworks packets)."""
    try:
        return getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError):
        return None


@dataclass
class Service:
    config: Config
    pool: AsyncConnectionPool
    lever: dict[str, LeverSide]
    jira: dict[str, JiraClient]
    reconciler: Reconciler
    extras: dict[str, Any]

    @classmethod
    def build(
        cls,
        config: Config,
        pool: AsyncConnectionPool,
        *,
        transports: Mapping[str, httpx2.AsyncBaseTransport] | None = None,
        budget_pool: AsyncConnectionPool | None = None,
    ) -> Service:
        """`transports` (by "lever:NAME" / "jira:NAME") lets tests route a connection in-process;
        `budget_pool`: where the Lever budget is kept, when `pool` is read-only."""
        transports = transports or {}
        engine = TemplateEngine()
        recipes = tuple(compile_recipe(recipe, engine) for recipe in config.recipes)
        lever = {}
        for name, connection in config.lever.items():
            client = LeverClient(
                connection,
                auth=lever_oauth(pool, name, connection),
                transport=transports.get(f"lever:{name}"),
                limiter=SharedBudget(
                    budget_pool or pool, name, rate=connection.requests_per_second, burst=connection.burst
                ),
            )
            lever[name] = LeverSide(
                client=client,
                reference=LeverReference(client),
                perform_as_email=connection.perform_as,
                recipes=[r for r in recipes if r.recipe.lever == name],
            )
        jira = {
            name: JiraClient(connection, transport=transports.get(f"jira:{name}"))
            for name, connection in config.jira.items()
        }
        # Inbound items are read from Jira, so the reader gets the connection clients and the recipes.
        inbound = _optional("hirebridge.runtime.inbound", "inbound_items")
        reconciler = Reconciler(
            pool=pool,
            config=config,
            lever=lever,
            jira=jira,
            inbound=functools.partial(inbound, jira=jira, config=config) if inbound else None,
            names=NameIndex.from_env(os.environ),
        )
        service = cls(config=config, pool=pool, lever=lever, jira=jira, reconciler=reconciler, extras={})
        packets = _optional("hirebridge.runtime.packets", "PacketsPort")
        if packets is not None and config.justworks:
            reconciler.packets = packets.build(service)
        return service

    async def aclose(self) -> None:
        for side in self.lever.values():
            await side.client.aclose()
        for client in self.jira.values():
            await client.aclose()
        for extra in self.extras.values():
            close = getattr(extra, "aclose", None)
            if close is not None:
                await close()

    async def reconcile(self, subject: Subject, *, force: bool = False) -> str:
        """A reconcile that fails is marked on its subject (`status`: "with an error") until one
        finishes; waiting for Jira's search to catch up is not a failure."""
        try:
            return await self.reconciler.reconcile(subject, force=force)
        except RetryLater:
            raise
        except Exception as exc:
            with contextlib.suppress(psycopg.Error, DatabaseError):  # the original error matters more
                await subjects.mark_error(self.pool, subject, str(exc))
            raise
