"""Reading configuration files with one-line errors, shared by the rules
(``infancy.worlds.rules``), the infant config (``infancy.infants.config``) and the
curricula (``infancy.curricula.stages``).

Every failure becomes one line that names the file and the key, raised as the caller's
own exception class (``RulesError``, ``ConfigError``, ``CurriculumError``).
"""

from __future__ import annotations

import json
import re
import types
from typing import Annotated, Any, Literal, Union, get_args, get_origin

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError, ValidationInfo, field_validator

__all__ = ["ConfigModel", "filled_as_then", "one_line", "read_yaml"]

_BOOL = "tag:yaml.org,2002:bool"


class _DuplicateKey(yaml.YAMLError):
    def __init__(self, key: Any, first: Any, again: Any) -> None:
        super().__init__(f"key {key!r} given twice (lines {first.line + 1} and {again.line + 1})")


class _Loader(yaml.SafeLoader):
    """``safe_load`` with two YAML 1.1 traps closed: only ``true`` and ``false`` are
    booleans (``yes``, ``no``, ``on``, ``off`` stay text, so ``n: yes`` is refused
    where a number is wanted instead of read as 1), and a key given twice in one
    mapping is an error instead of the last one silently winning."""

    yaml_implicit_resolvers = {
        first: [(tag, rx) for tag, rx in resolvers if tag != _BOOL]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict:
        seen: dict[Any, Any] = {}
        for key_node, _ in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                continue
            key = self.construct_object(key_node, deep=True)
            try:
                first = seen.setdefault(key, key_node.start_mark)
            except TypeError:  # an unhashable key: the constructor says so
                break
            if first is not key_node.start_mark:
                raise _DuplicateKey(key, first, key_node.start_mark)
        return super().construct_mapping(node, deep=deep)


_Loader.add_implicit_resolver(
    _BOOL, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


def _takes_bool(annotation: Any) -> bool:
    """Whether a field of this type may hold ``true``/``false``."""
    if annotation is bool or annotation is Any:
        return True
    origin, args = get_origin(annotation), get_args(annotation)
    if origin is Annotated:
        return _takes_bool(args[0])
    if origin in (Union, types.UnionType):
        return any(_takes_bool(a) for a in args)
    if origin is Literal:
        return any(isinstance(a, bool) for a in args)
    return False


def _boolean_at(value: Any, annotation: Any, key: str) -> tuple[str, bool] | None:
    """The (dotted) key and value of the first boolean in ``value`` where
    ``annotation`` wants something else (a number, mostly), or ``None``."""
    if isinstance(value, bool):
        return None if _takes_bool(annotation) else (key, value)
    origin, args = get_origin(annotation), get_args(annotation)
    if origin is Annotated:
        return _boolean_at(value, args[0], key)
    if origin in (Union, types.UnionType):
        for arg in args:  # the member of the value's container kind
            kind = get_origin(arg) or arg
            if kind in (dict, list, tuple) and isinstance(value, kind):
                return _boolean_at(value, arg, key)
        return None
    items: list[tuple[Any, Any, Any]] = []
    if origin is dict and isinstance(value, dict) and len(args) == 2:
        items = [(k, v, args[1]) for k, v in value.items()]
    elif origin in (list, tuple) and isinstance(value, list | tuple) and args:
        same = origin is list or args[-1] is Ellipsis
        items = [
            (i, v, args[0] if same else args[min(i, len(args) - 1)]) for i, v in enumerate(value)
        ]
    for k, v, arg in items:
        found = _boolean_at(v, arg, f"{key}.{k}" if key else str(k))
        if found is not None:
            return found
    return None


class ConfigModel(BaseModel):
    """The base of every model read from a configuration file: unknown keys are
    refused, a float must be finite (YAML's ``.inf`` and ``.nan`` are refused), and a
    boolean is refused where a number is wanted (pydantic alone reads ``n: true`` as
    1)."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    @field_validator("*", mode="before")
    @classmethod
    def _no_boolean_numbers(cls, value: Any, info: ValidationInfo) -> Any:
        field = cls.model_fields.get(info.field_name or "")
        found = None if field is None else _boolean_at(value, field.annotation, "")
        if found is not None:
            key, flag = found
            where = f"{key}: " if key else ""
            raise ValueError(f"{where}expected a number, got a boolean ({json.dumps(flag)})")
        return value


def read_yaml(path: Any, source: str, error: type[Exception]) -> Any:
    """The parsed YAML of ``path``, which has ``read_text``: ``safe_load``, except
    that only ``true``/``false`` are booleans and a key given twice is refused. A
    missing or unreadable file, text that is not UTF-8 or bad YAML raises ``error``
    with one line naming ``source``."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as err:
        raise error(f"{source}: cannot read ({err.strerror})") from None
    except UnicodeDecodeError as err:
        raise error(f"{source}: not UTF-8 text (byte {err.start} cannot be read)") from None
    try:
        return yaml.load(text, Loader=_Loader)  # a SafeLoader
    except _DuplicateKey as err:
        raise error(f"{source}: {err}") from None
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        raise error(f"{source}: not valid YAML{where}") from None


def filled_as_then(
    config: Any, before: dict[tuple[str, ...], Any], *, make_sections: bool = False
) -> Any:
    """A stored configuration with each key path of ``before`` that it lacks set to its
    value there: the behaviour from before a default changed, so that what was written
    then goes on as it started (a copy; anything but a mapping is returned as it is, for
    the config's own validation to name).

    Parameters
    ----------
    config
        The configuration as written (resolved when it was stored).
    before
        Key path -> the value that gives the old behaviour.
    make_sections
        Whether a missing section on the path is made (a resolved curriculum leaves a
        world it ran with its defaults out of ``worlds``) or means nothing to fill (an
        infant config without the section).
    """
    if not isinstance(config, dict):
        return config
    config = json.loads(json.dumps(config))
    for *parents, key in before:
        node: Any = config
        for name in parents:
            if make_sections and isinstance(node, dict):
                node = node.setdefault(name, {})
            else:
                node = node.get(name) if isinstance(node, dict) else None
        if isinstance(node, dict) and key not in node:
            node[key] = before[(*parents, key)]
    return config


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
