"""Serialization: plain, JSON-safe dicts and JSON text for every public value.

```python
from okrkpi import Objective, KeyResult
from okrkpi.serde import to_dict, from_dict

objective = Objective("Win", [KeyResult.binary("Ship it")])
assert from_dict(to_dict(objective), Objective) == objective
```
"""

from __future__ import annotations

from okrkpi._edges.serde import (
    MAX_DEPTH,
    MAX_PROBLEMS,
    MAX_TOML_KEY_PARTS,
    SCHEMA_VERSION,
    Document,
    converter,
    dumps,
    dumps_toml,
    from_dict,
    loads,
    loads_toml,
    to_dict,
)

__all__ = [
    "MAX_DEPTH",
    "MAX_PROBLEMS",
    "MAX_TOML_KEY_PARTS",
    "SCHEMA_VERSION",
    "Document",
    "converter",
    "dumps",
    "dumps_toml",
    "from_dict",
    "loads",
    "loads_toml",
    "to_dict",
]
