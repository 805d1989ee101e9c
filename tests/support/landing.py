"""Landing exports in a test, and the checks every source's tests make of the result."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from pathlib import Path

import polars as pl
import pytest

from connectors.core.base import Connector, ExportFormatError
from connectors.core.config import BUNDLED_SAMPLES, Paths
from connectors.landing.zone import LandingBatch, ingest_file, ingest_folder, read_manifest


def as_json(payload: object) -> bytes:
    """A hand-written response, saved as a client would save it."""
    return json.dumps(payload).encode()


def land_one(connector: Connector, raw: bytes, name: str, paths: Paths):
    """Land one export (bytes as a file named ``name``) and return its ``LandingResult``."""
    batch = LandingBatch(connector, paths)
    batch.add(raw, name)
    (result,) = batch.flush()
    return result


def landed_rows(paths: Paths, source: str) -> pl.DataFrame:
    """Every activity row landed for ``source`` (an empty frame when none was)."""
    files = list(paths.activity.glob(f"source={source}/dataset=*/**/part-0.parquet"))
    return pl.concat([pl.read_parquet(f) for f in files]) if files else pl.DataFrame()


def quarantined_rows(paths: Paths, source: str) -> pl.DataFrame:
    return pl.read_parquet(paths.quarantine / f"source={source}" / "*.parquet")


def assert_parse_fails(parse: Callable[[bytes, str], object], raw: bytes, name: str, *expected: str) -> None:
    """Parsing ``raw`` as a file ``name`` raises ``ExportFormatError``, its message holding each of
    ``expected`` (the file's name, the problem) as written."""
    with pytest.raises(ExportFormatError) as err:
        parse(raw, name)
    for text in expected:
        assert text in str(err.value)


def assert_samples_land_without_quarantine(
    connector: Connector,
    files: Sequence[Path],
    paths: Paths,
    *,
    months: set[int] | None = None,
    max_bytes: int | None = None,
) -> list:
    """Each bundled sample (given ``max_bytes``, each smaller than that) lands rows, every row it reads, none
    quarantined (and, given ``months``, covers days of exactly those months); returns the results."""
    results = []
    for path in files:
        if max_bytes is not None:
            assert path.stat().st_size < max_bytes, path.name
        result = ingest_file(connector, path, paths)
        assert result.rows_in > 0, path.name
        assert result.rows_in == result.rows_landed, path.name
        assert result.rows_quarantined == 0, path.name
        if months is not None:
            assert {d.month for d in result.days} == months, path.name
        results.append(result)
    return results


def bundled_samples(connector: Connector) -> list[Path]:
    """The source's bundled sample exports (``data/samples/<source>``), as the connector finds them."""
    return connector.find_files(BUNDLED_SAMPLES / connector.source)


def copy_samples(source: str, folder: Path) -> list[Path]:
    """Every bundled sample of ``source`` copied into ``folder`` (created); the samples, in name order."""
    folder.mkdir()
    samples = sorted((BUNDLED_SAMPLES / source).iterdir())
    for sample in samples:
        (folder / sample.name).write_bytes(sample.read_bytes())
    return samples


def assert_rejected_alone(connector: Connector, folder: Path, samples: Sequence[Path], broken: Path,
                          paths: Paths, error_start: str) -> None:  # fmt: skip
    """Ingesting ``folder`` (the ``samples`` and one ``broken`` file) rejects the broken file alone, with an
    error starting ``error_start``, and lands every sample."""
    results = ingest_folder(connector, folder, paths)
    rejected = [r for r in results if r.rejected]
    assert [r.original_name for r in rejected] == [broken.name]
    assert rejected[0].error.startswith(error_start)
    assert sorted(r.original_name for r in results if not r.rejected and not r.skipped) == [
        p.name for p in samples
    ]
    assert read_manifest(paths).filter(pl.col("status") == "rejected").height == 1
