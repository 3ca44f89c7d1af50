"""Vendor files kept byte for byte as published, one copy each, read with `importlib.resources`.

`adf-schema-v1-full.json`: Atlassian's JSON schema of the Atlassian Document Format (npm package
`@atlaskit/adf-schema@57.7.22`, `dist/json-schema/v1/full.json`, Apache-2.0). The product checks every
document it sends to Jira against it; the Jira simulator refuses what it refuses.
"""

from __future__ import annotations

ADF_SCHEMA = "adf-schema-v1-full.json"
