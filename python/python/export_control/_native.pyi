"""Type stubs of the compiled module (``export_control._native``)."""

import datetime
from collections.abc import Sequence
from os import PathLike
from typing import Any, Optional, Union

import pyarrow

_Path = Union[str, PathLike[str]]
_Date = Union[datetime.date, str]

SCHEMA_VERSION: int
__version__: str

class ExportControlError(Exception):
    """Every error of export_control."""

class LoadError(ExportControlError):
    """The rule files (or licence registers) could not be loaded."""

    #: Each problem in the rule files: ``file``, ``line``, ``column``, ``message``, ``help``.
    problems: list[dict[str, Any]]

class InvalidRecord(ExportControlError):
    """A record that cannot be read; it is never allowed."""

    line: int
    id: Optional[str]
    field: Optional[str]

class SchemaError(ExportControlError):
    """Arrow columns that cannot be read as records (names the column)."""

class Engine:
    """Rule files loaded, validated and compiled; immutable, shareable between threads."""

    @staticmethod
    def from_path(
        rules: Union[_Path, Sequence[_Path]],
        licences: Optional[Union[_Path, Sequence[_Path]]] = None,
        *,
        named_as: Optional[_Path] = None,
        licences_named_as: Optional[Sequence[_Path]] = None,
    ) -> Engine:
        """Loads rule files (a directory, a file, or a list) and licence registers.

        ``named_as``: the directory is a copy of one at that path; errors and verdicts name
        its files as the original's (the digest is the same). ``licences_named_as``: the same
        for each of ``licences``, one path each.

        Raises :class:`LoadError` listing every problem with its file, line and column.
        """

    @property
    def digest(self) -> str:
        """The rule book's digest, ``sha256:...``; every verdict carries it."""

    @property
    def rule_sets(self) -> list[str]:
        """The ids of the rule sets."""

    @property
    def has_history(self) -> bool:
        """Whether checking a table reads its history first (history rules or licences)."""

    @property
    def has_licences(self) -> bool:
        """Whether the engine has licence registers."""

    @staticmethod
    def fields() -> list[str]:
        """The names of the record fields."""

    def check(
        self,
        record: dict[str, Any],
        *,
        as_of: Optional[_Date] = None,
        exclude_status: Optional[Sequence[str]] = None,
    ) -> dict[str, Any]:
        """One record's verdict, as the JSON contract's dict (``docs/verdict.schema.json``).

        History rules see no history. Raises :class:`InvalidRecord` when the record cannot
        be read.
        """

    def check_arrow(
        self,
        data: Any,
        *,
        first_line: int = 1,
        line_column: Optional[str] = None,
        as_of: Optional[_Date] = None,
        exclude_status: Optional[Sequence[str]] = None,
        attribute_columns: Optional[Sequence[str]] = None,
        history: Optional[bytes] = None,
        earlier: Optional[bytes] = None,
        verdicts: bool = True,
    ) -> Union[pyarrow.RecordBatch, pyarrow.Table]:
        """Checks Arrow data (anything with the Arrow PyCapsule interface) as one input.

        One result row per input row, in input order: ``id``, ``line``, ``decision``,
        ``rules``, ``error``, ``verdict`` (the audit record's JSON; null with
        ``verdicts=False``). A ``RecordBatch`` gives a ``RecordBatch``, anything else a
        ``Table``. ``history``: the merged (with licence registers, settled) history of the
        whole input (this data included), ``earlier``: that of the records before this data.
        Raises :class:`SchemaError` when the columns cannot be read as records.
        """

    def history_arrow(
        self, data: Any, *, attribute_columns: Optional[Sequence[str]] = None
    ) -> bytes:
        """The history the records of ``data`` add under these rules (with the digests of the
        rules and the licence register). With licence registers it also holds the records that
        may draw on a licence, unsettled: settle the parts of an input with
        :meth:`settle_histories`."""

    @staticmethod
    def merge_histories(parts: Sequence[bytes]) -> bytes:
        """Histories of the same rules merged into one, whatever the order; refused for
        histories holding unsettled licence draws."""

    def settle_histories(
        self, parts: Sequence[Optional[bytes]]
    ) -> tuple[bytes, list[Optional[bytes]]]:
        """The histories of the parts of one input (``history_arrow``; ``None`` for an empty
        part), in input order, with their licence draws settled across all parts in the order
        of history: the whole input's history and each part's own, so that the history before
        part ``p`` is ``merge_histories(parts[:p])``."""
