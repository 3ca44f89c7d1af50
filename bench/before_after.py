"""Before and after a change: the same scenarios with the same harness and simulators, against the
source tree that comes first on PYTHONPATH (the service processes inherit it); prints JSON.

    git worktree add /tmp/before REV
    rm -r /tmp/before/bench /tmp/before/src/hirebridge/sims        # today's harness and simulators
    cp -r bench /tmp/before/ && cp -r src/hirebridge/sims /tmp/before/src/hirebridge/
    (cd /tmp/before && PYTHONPATH=src:. python -m bench.before_after > before.json)
    PYTHONPATH=src:. python -m bench.before_after > after.json

Only the scenarios' public entry points are used (P1 without its references), so an older service
that lacks today's modules still runs."""

from __future__ import annotations

import json
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

import hirebridge
from bench import p1_ingest, p2_convergence, p4_p5
from bench.stack import Stack, signature_tokens


def main() -> None:
    print("hirebridge from", hirebridge.__file__, file=sys.stderr)
    work = Path(tempfile.mkdtemp(prefix="hirebridge-pair-"))
    stack = Stack(work)
    out: dict[str, Any] = {}
    try:
        database_url = stack.fresh()
        url, service = stack.serve(database_url, stack.config(workers=8), workers=False)
        token = signature_tokens(database_url)["candidateStageChange"]
        p1_ingest.drive(f"{url}/webhooks/lever/main", token, 2)
        out["p1"] = p1_ingest.drive(f"{url}/webhooks/lever/main", token, 15)
        stack.stop(service)
        out["p2"] = p2_convergence.run(stack, count=2000, jira_rps=50.0, storm=False)
        out["p3"] = p2_convergence.run(stack, count=500, jira_rps=50.0, storm=True)
        out["p4"] = p4_p5.scale_out(stack, count=400)
        out["p5"] = p4_p5.latency(stack, count=500)
    finally:
        stack.close()
        shutil.rmtree(work, ignore_errors=True)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
