"""Reading configuration files with one-line errors, shared by the rules
(``infancy.worlds.rules``), the infant config (``infancy.infants.config``) and the
curricula (``infancy.curricula.stages``).

Every failure becomes one line that names the file and the key, raised as the caller's
own exception class (``RulesError``, ``ConfigError``, ``CurriculumError``).
"""

from __future__ import annotations

from typing import Any

import yaml
from pydantic import ValidationError

__all__ = ["one_line", "read_yaml"]


def read_yaml(path: Any, source: str, error: type[Exception]) -> Any:
    """The parsed YAML (``safe_load``) of ``path``, which has ``read_text``; a missing
    or unreadable file or bad YAML raises ``error`` with one line naming ``source``."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as err:
        raise error(f"{source}: cannot read ({err.strerror})") from None
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        raise error(f"{source}: not valid YAML{where}") from None


def one_line(source: str, err: ValidationError) -> str:
    """The first problem of a pydantic ``ValidationError`` as ``source: key: message``
    (``unknown key`` for a key the model does not have; a model-level check names its
    keys in its own message), with how many more problems there were."""
    errors = err.errors()
    first = errors[0]
    more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
    if first["type"] == "extra_forbidden":
        msg = "unknown key"
    else:
        msg = first["msg"].removeprefix("Value error, ")
    if first["loc"] == ():
        return f"{source}: {msg}{more}"
    key = ".".join(str(p) for p in first["loc"])
    return f"{source}: {key}: {msg}{more}"
