"""Writing the files Rasa reads at start (endpoints, credentials) from settings that may hold
secrets: readable by the owner only, replaced in one step, every string quoted."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import yaml


class _QuotedDumper(yaml.SafeDumper):
    """Every string double-quoted: Rasa expands ${...} only in plain (unquoted) scalars, so a
    value that happens to contain one is never read as a variable."""


_QuotedDumper.add_representer(
    str, lambda dumper, value: dumper.represent_scalar("tag:yaml.org,2002:str", value, style='"'))


def write_rasa_yaml(path: Path, data: dict[str, Any], written_by: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".tmp")
    partial.unlink(missing_ok=True)
    descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w") as out:
        out.write(f"# Written by `{written_by}` at every start: do not edit.\n")
        yaml.dump(data, out, Dumper=_QuotedDumper, sort_keys=False, default_flow_style=False,
                  allow_unicode=True, width=1000)
    partial.replace(path)
