"""The running service: the config compiled once, one client per connection, the shared pool."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import httpx2
from psycopg_pool import AsyncConnectionPool

from hirebridge.config.models import Config
from hirebridge.connectors.jira import JiraClient
from hirebridge.connectors.lever import LeverClient
from hirebridge.domain.recipes import CompiledRecipe, compile_recipe
from hirebridge.domain.subjects import Subject
from hirebridge.domain.templates import TemplateEngine
from hirebridge.runtime.reconcile import LeverSide, reconcile_opportunity
from hirebridge.runtime.reference import LeverReference


@dataclass
class Service:
    config: Config
    pool: AsyncConnectionPool
    lever: dict[str, LeverSide]
    jira: dict[str, JiraClient]
    recipes: tuple[CompiledRecipe, ...] = field(default=())

    @classmethod
    def build(
        cls,
        config: Config,
        pool: AsyncConnectionPool,
        *,
        transports: Mapping[str, httpx2.AsyncBaseTransport] | None = None,
    ) -> Service:
        """`transports` (by "lever:NAME" / "jira:NAME") lets tests route a connection in-process."""
        transports = transports or {}
        engine = TemplateEngine()
        recipes = tuple(compile_recipe(recipe, engine) for recipe in config.recipes)
        lever = {}
        for name, connection in config.lever.items():
            client = LeverClient(connection, transport=transports.get(f"lever:{name}"))
            mine = [r for r in recipes if r.recipe.lever == name]
            lever[name] = LeverSide(
                client=client,
                reference=LeverReference(client),
                perform_as_email=connection.perform_as,
                recipes=mine,
                needs_offers=any(grant.startswith("offer") for r in mine for grant in r.recipe.allow),
            )
        jira = {
            name: JiraClient(connection, transport=transports.get(f"jira:{name}"))
            for name, connection in config.jira.items()
        }
        return cls(config=config, pool=pool, lever=lever, jira=jira, recipes=recipes)

    async def aclose(self) -> None:
        for side in self.lever.values():
            await side.client.aclose()
        for client in self.jira.values():
            await client.aclose()

    async def reconcile(self, subject: Subject, *, force: bool = False) -> str:
        return await reconcile_opportunity(
            pool=self.pool,
            subject=subject,
            lever=self.lever[subject.connection],
            jira=self.jira,
            search_consistency={name: c.search_consistency_seconds for name, c in self.config.jira.items()},
            force=force,
        )
