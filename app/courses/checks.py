"""Reading course files while remembering where everything was, to report problems by line.

YAML is loaded into `Mapping` and `Sequence`, a dict and a list that know the line of each
key and item. A `FileCheck` reads typed values out of them and records a `Problem` for
every value that is missing, of the wrong kind or not allowed, then carries on, so that one
run reports everything wrong with a course.
"""

from __future__ import annotations

import math
import re
from collections.abc import Hashable
from dataclasses import dataclass
from typing import Any

import yaml

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
SLUG_HINT = "lowercase letters, digits and single hyphens, like leading-change"
#: What `FileCheck.load_yaml` returns for a file that is not YAML (its problem is recorded).
MALFORMED = object()
#: What YAML escapes (\0, \ud800) can put in text, and no database can store.
UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
#: Unknown keys reported one by one in a mapping; the rest are counted in one problem.
UNKNOWN_KEYS_LISTED = 10


@dataclass(frozen=True, order=True)
class Problem:
    """Something wrong in a course file. `file` is relative to the folder of courses."""

    file: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}"


class Mapping(dict):
    """A YAML mapping that knows the line of the mapping, each key and each value."""

    def __init__(self, line: int):
        super().__init__()
        self.line = line
        self.key_lines: dict[Any, int] = {}
        self.value_lines: dict[Any, int] = {}


class Sequence(list):
    """A YAML sequence that knows its line and the line of each item."""

    def __init__(self, line: int):
        super().__init__()
        self.line = line
        self.item_lines: list[int] = []


class _LineLoader(yaml.SafeLoader):
    """SafeLoader building Mapping and Sequence, and noting keys given twice."""

    def __init__(self, stream, first_line: int):
        super().__init__(stream)
        self.offset = first_line
        self.duplicates: list[tuple[int, str, int]] = []
        #: Lines of text that no database can store: a NUL or a lone surrogate, from an escape.
        self.unstorable: list[int] = []

    def line_of(self, node) -> int:
        return node.start_mark.line + self.offset


def _construct_mapping(loader: _LineLoader, node) -> Mapping:
    loader.flatten_mapping(node)
    result = Mapping(loader.line_of(node))
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, Hashable):  # a list, a mapping or a set used as a key
            key = str(key)
        if key in result:
            loader.duplicates.append((loader.line_of(key_node), str(key), result.key_lines[key]))
        result[key] = loader.construct_object(value_node, deep=True)
        result.key_lines[key] = loader.line_of(key_node)
        result.value_lines[key] = loader.line_of(value_node)
    return result


def _construct_sequence(loader: _LineLoader, node) -> Sequence:
    result = Sequence(loader.line_of(node))
    for item in node.value:
        result.append(loader.construct_object(item, deep=True))
        result.item_lines.append(loader.line_of(item))
    return result


def _construct_text(loader: _LineLoader, node) -> str:
    value = loader.construct_yaml_str(node)
    if UNSTORABLE.search(value):
        loader.unstorable.append(loader.line_of(node))
    return value


def _readable(construct):
    """A constructor whose ValueError (a 5,000-digit number, 30 February) is a YAML error
    with the value's line."""

    def construct_or_refuse(loader: _LineLoader, node):
        try:
            return construct(loader, node)
        except ValueError as error:
            message = str(error).split(":")[0]
            raise yaml.constructor.ConstructorError(None, None, message, node.start_mark) from None

    return construct_or_refuse


_LineLoader.add_constructor("tag:yaml.org,2002:map", _construct_mapping)
_LineLoader.add_constructor("tag:yaml.org,2002:str", _construct_text)
_LineLoader.add_constructor("tag:yaml.org,2002:int", _readable(yaml.SafeLoader.construct_yaml_int))
_LineLoader.add_constructor(
    "tag:yaml.org,2002:timestamp", _readable(yaml.SafeLoader.construct_yaml_timestamp)
)
_LineLoader.add_constructor("tag:yaml.org,2002:seq", _construct_sequence)


class FileCheck:
    """Problems in one file, and typed readers that record a problem instead of failing."""

    def __init__(self, file: str, problems: list[Problem]):
        self.file = file
        self.problems = problems
        self.count_before = len(problems)

    @property
    def ok(self) -> bool:
        """No problem has been found in this file so far."""
        return len(self.problems) == self.count_before

    def add(self, line: int, message: str) -> None:
        self.problems.append(Problem(self.file, max(line, 1), message))

    def load_yaml(self, text: str, first_line: int = 1) -> Any:
        """The YAML document in `text`, whose first line is `first_line` of the file, or MALFORMED."""
        loader = _LineLoader(text, first_line)
        try:
            value = loader.get_single_data()
        except yaml.MarkedYAMLError as error:
            mark = error.problem_mark or error.context_mark
            line = mark.line + first_line if mark else first_line
            message = f"this is not valid YAML: {error.problem or error.context}"
            if error.context and error.context_mark and error.context_mark.line + first_line != line:
                # The parser notices late: say where the unfinished part began.
                message += f" ({error.context} that starts on line {error.context_mark.line + first_line})"
            self.add(line, message)
            return MALFORMED
        except yaml.YAMLError as error:
            self.add(first_line, f"this is not valid YAML: {error}")
            return MALFORMED
        except RecursionError:
            self.add(first_line, "this YAML is nested too deeply to read")
            return MALFORMED
        finally:
            loader.dispose()
        for line, key, first in loader.duplicates:
            self.add(line, f'"{key}" is given twice (also on line {first})')
        for line in loader.unstorable:
            self.add(line, "this text has a NUL or an unpaired surrogate in it, which cannot be stored")
        return value

    def mapping(self, value: Any, line: int, what: str) -> Mapping | None:
        """`value` if it is a mapping; None, with a problem unless the YAML was malformed."""
        if isinstance(value, Mapping):
            return value
        if value is not MALFORMED:
            self.add(line, f"{what} must be a set of keys and values")
        return None

    def keys(self, mapping: Mapping, required: tuple[str, ...], optional: tuple[str, ...] = ()) -> None:
        """Report missing required keys and any key the format does not know."""
        allowed = (*required, *optional)
        unknown = [key for key in mapping if key not in allowed]
        for key in unknown[:UNKNOWN_KEYS_LISTED]:
            self.add(
                mapping.key_lines[key],
                f'unknown key "{key}" (the keys allowed here are: {", ".join(allowed)})',
            )
        if len(unknown) > UNKNOWN_KEYS_LISTED:
            more = len(unknown) - UNKNOWN_KEYS_LISTED
            self.add(
                mapping.key_lines[unknown[UNKNOWN_KEYS_LISTED]],
                f"and {more} more unknown {'key' if more == 1 else 'keys'} after these",
            )
        for key in required:
            if key not in mapping:
                self.add(mapping.line, f'"{key}" is missing')

    def _line(self, mapping: Mapping, key: str) -> int:
        return mapping.value_lines.get(key, mapping.line)

    def text(self, mapping: Mapping, key: str, max_length: int | None = None) -> str | None:
        """A non-empty string, of at most `max_length` characters when given."""
        value = mapping.get(key)
        if isinstance(value, str) and value.strip():
            value = value.strip()
            if max_length is not None and len(value) > max_length:
                self.add(
                    self._line(mapping, key),
                    f'"{key}" must be {max_length} characters or fewer, not {len(value)}',
                )
                return None
            return value
        if key in mapping:
            self.add(self._line(mapping, key), f'"{key}" must be text (put it in quotes)')
        return None

    def slug(self, mapping: Mapping, key: str, max_length: int | None = None) -> str | None:
        value = self.text(mapping, key, max_length)
        if value is not None and not SLUG.match(value):
            self.add(self._line(mapping, key), f'"{key}" must be {SLUG_HINT}, not "{value}"')
            return None
        return value

    def integer(
        self,
        mapping: Mapping,
        key: str,
        minimum: int | None = None,
        maximum: int | None = None,
        required: bool = True,
        default: int | None = None,
    ) -> int | None:
        """A whole number within the bounds given."""
        if key not in mapping:
            return None if required else default
        value = mapping[key]
        if isinstance(value, bool) or not isinstance(value, int):
            self.add(self._line(mapping, key), f'"{key}" must be a whole number, not {value!r}')
            return None
        if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
            self.add(self._line(mapping, key), f'"{key}" must be {_bounds(minimum, maximum)}, not {value}')
            return None
        return value

    def positive_number(self, mapping: Mapping, key: str, maximum: int) -> float | None:
        """A number greater than 0 and at most `maximum` (so never infinite or NaN)."""
        value = mapping.get(key)
        if key not in mapping:
            return None
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
            self.add(self._line(mapping, key), f'"{key}" must be a number greater than 0, not {value!r}')
            return None
        if not value <= maximum:  # also true of NaN
            self.add(self._line(mapping, key), f'"{key}" must be {maximum} or less, not {_shown(value)}')
            return None
        return float(value)

    def boolean(self, mapping: Mapping, key: str, default: bool = True) -> bool:
        value = mapping.get(key, default)
        if isinstance(value, bool):
            return value
        self.add(self._line(mapping, key), f'"{key}" must be true or false, not {value!r}')
        return default

    def sequence(self, mapping: Mapping, key: str) -> Sequence | None:
        """A list with at least one item."""
        if key not in mapping:
            return None
        value = mapping[key]
        if isinstance(value, Sequence) and value:
            return value
        self.add(self._line(mapping, key), f'"{key}" must be a list with at least one item')
        return None


def _shown(value: int | float) -> str:
    """A number as a problem quotes it: NaN and infinity as YAML writes them."""
    if isinstance(value, float) and not math.isfinite(value):
        return ".nan" if math.isnan(value) else ".inf"
    return repr(value)


def _bounds(minimum: int | None, maximum: int | None) -> str:
    if minimum is not None and maximum is not None:
        return f"from {minimum} to {maximum}"
    if minimum is not None:
        return f"{minimum} or more"
    return f"{maximum} or less"


@dataclass
class FrontMatterDocument:
    """A Markdown file split into its front matter (a Mapping) and its body."""

    meta: Mapping | None
    body: str
    #: The line of the file on which the body starts.
    body_line: int

    def line_matching(self, pattern: str) -> int:
        """The first body line matching the regular expression, else the body's first line."""
        compiled = re.compile(pattern)
        for number, line in enumerate(self.body.splitlines(), start=self.body_line):
            if compiled.search(line):
                return number
        return self.body_line


def read_front_matter(check: FileCheck, text: str) -> FrontMatterDocument:
    """Split `---` front matter from a Markdown file, reporting a missing or malformed one."""
    lines = text.splitlines()
    if not lines or lines[0].strip() != "---":
        check.add(1, 'the file must start with front matter: a line "---", the keys, then "---"')
        return FrontMatterDocument(None, text, 1)
    for index in range(1, len(lines)):
        if lines[index].strip() == "---":
            value = check.load_yaml("\n".join(lines[1:index]), first_line=2)
            if value is None:  # empty front matter: report each missing key
                value = Mapping(2)
            body = "\n".join(lines[index + 1 :])
            return FrontMatterDocument(check.mapping(value, 2, "The front matter"), body, index + 2)
    check.add(1, 'the front matter has no closing "---" line')
    return FrontMatterDocument(None, "", len(lines))
