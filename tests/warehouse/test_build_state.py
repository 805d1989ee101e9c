"""The build state (warehouse/build_state.py): an unchanged build is skipped, a changed seed is loaded
again, unchanged seeds are not, and anything else that changed builds everything it touches."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from connectors.core.config import Paths
from warehouse import build_state

VARS = {"factor_release": "r1", "factor_release_sha256": "abc", "ecologits_version": "0"}


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A small dbt project: one model, one macro, two seeds (one in a sub-folder, as seeds are grouped)."""
    root = tmp_path / "dbt_project"
    (root / "models").mkdir(parents=True)
    (root / "macros").mkdir()
    (root / "seeds" / "factors").mkdir(parents=True)
    (root / "dbt_project.yml").write_text("name: p\n")
    (root / "models" / "m.sql").write_text("select 1 as x\n")
    (root / "macros" / "f.sql").write_text("{% macro f() %}1{% endmacro %}\n")
    (root / "seeds" / "grid.csv").write_text("country,kg\nFR,0.05\n")
    (root / "seeds" / "factors" / "pue.csv").write_text("provider,pue\naws,1.15\n")
    return root


def _built(paths: Paths, project: Path) -> None:
    """What a successful build leaves: a published warehouse and the recorded state."""
    paths.warehouse.parent.mkdir(parents=True, exist_ok=True)
    paths.warehouse.write_bytes(b"warehouse")
    build_state.record(paths, build_state.fingerprint(paths, VARS, project))


def _land(paths: Paths, name: str, content: bytes) -> None:
    target = paths.landing / "activity" / "source=x" / name
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(content)


def test_nothing_recorded_builds_everything(paths, project):
    plan = build_state.plan(paths, VARS, project=project)
    assert not plan.skip and plan.reason == "no successful build recorded"
    assert plan.unchanged_seeds == []


def test_unchanged_inputs_skip_the_build(paths, project):
    _land(paths, "part-0.parquet", b"rows")
    _built(paths, project)
    plan = build_state.plan(paths, VARS, project=project)
    assert plan.skip
    assert plan.reason == "landed data, dbt project and seeds unchanged since the last successful build"


def test_a_home_copied_elsewhere_creates_its_views_again_and_only_them(paths, project, tmp_path):
    """A backup restored under another path: the landed files, the warehouse and the seeds are the same
    (copied with their times), but the views over the landed files still name the old folder in their
    SQL (they would read the old home's files, or fail once it is gone): the copy's next run builds with
    the views, keeps the seeds and the history, and then skips again."""
    _land(paths, "part-0.parquet", b"rows")
    _built(paths, project)
    copy = Paths(tmp_path / "restored")
    shutil.copytree(paths.home, copy.home)
    plan = build_state.plan(copy, VARS, project=project)
    assert not plan.skip
    assert plan.reason.startswith("changed: landing folder")
    assert not plan.project_unchanged  # the views (and unit tests) are not left out
    assert not plan.rebuild_history
    assert plan.unchanged_seeds == ["grid", "pue"]
    build_state.record(copy, plan.state)
    assert build_state.plan(copy, VARS, project=project).skip


def test_a_state_recorded_before_the_landing_folder_was_kept_creates_the_views_once(paths, project):
    _built(paths, project)
    state = build_state.state_path(paths)
    old = json.loads(state.read_text())
    del old["landing_dir"]
    state.write_text(json.dumps(old))
    plan = build_state.plan(paths, VARS, project=project)
    assert not plan.skip and not plan.project_unchanged and not plan.rebuild_history


def test_a_changed_seed_is_loaded_again_and_only_it(paths, project):
    _built(paths, project)
    (project / "seeds" / "grid.csv").write_text("country,kg\nFR,0.06\n")
    plan = build_state.plan(paths, VARS, project=project)
    assert not plan.skip
    assert plan.reason == "changed: seeds grid"
    assert plan.unchanged_seeds == ["pue"]  # left out of `dbt build` (--exclude)


def test_new_landed_data_builds_but_keeps_unchanged_seeds(paths, project):
    _built(paths, project)
    _land(paths, "part-1.parquet", b"new day")
    plan = build_state.plan(paths, VARS, project=project)
    assert not plan.skip and plan.reason == "changed: landed data"
    assert plan.unchanged_seeds == ["grid", "pue"]
    assert plan.project_unchanged  # views and unit tests are left out of the build


def test_a_landing_hash_just_computed_is_taken_as_given(paths, project):
    """``ewh run`` hands the dbt step the hash of its own decision: the step decides and records with it."""
    _built(paths, project)
    _land(paths, "part-1.parquet", b"new day")
    walked = build_state.landing_hash(paths)
    given = build_state.plan(paths, VARS, project=project, landing=walked)
    assert given.state == build_state.plan(paths, VARS, project=project).state
    assert given.reason == "changed: landed data"
    other = build_state.plan(paths, VARS, project=project, landing="another hash")
    assert other.state.landing == "another hash"


def test_a_rewritten_landed_file_counts_as_changed(paths, project):
    _land(paths, "part-0.parquet", b"rows")
    _built(paths, project)
    target = paths.landing / "activity" / "source=x" / "part-0.parquet"
    stat = target.stat()
    os.utime(target, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))  # same size, re-landed
    assert build_state.plan(paths, VARS, project=project).reason == "changed: landed data"


def test_the_gx_marks_are_bookkeeping_not_data(paths, project):
    _built(paths, project)
    mark = paths.landing / ".checked" / "x.mtime"
    mark.parent.mkdir(parents=True)
    mark.write_text("1.0")
    assert build_state.plan(paths, VARS, project=project).skip


def test_the_landing_hash_keeps_its_recorded_form(paths):
    """The hash a home's build state holds (``relative path\\0size\\0mtime_ns`` per file, files in the order
    of their path's parts, the top-level GX marks left out): an upgrade must not read as changed data."""
    import hashlib

    for name in ("a-b/c.parquet", "a/b.parquet", "a/.checked/kept.parquet", "z.parquet"):
        _land(paths, f"../../{name}", name.encode())
    mark = paths.landing / ".checked" / "x.mtime"
    mark.parent.mkdir(parents=True)
    mark.write_text("1.0")
    expected = hashlib.sha256()
    for relative in ("a/.checked/kept.parquet", "a/b.parquet", "a-b/c.parquet", "z.parquet"):
        stat = (paths.landing / relative).stat()
        expected.update(f"{relative}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    assert build_state.landing_hash(paths) == expected.hexdigest()


def test_a_model_edit_or_a_new_factor_release_builds(paths, project):
    _built(paths, project)
    (project / "models" / "m.sql").write_text("select 2 as x\n")
    plan = build_state.plan(paths, VARS, project=project)
    assert plan.reason == "changed: dbt project"
    assert plan.rebuild_history, "history the old SQL computed is rebuilt"
    _built(paths, project)
    plan = build_state.plan(paths, VARS | {"factor_release": "r2"}, project=project)
    assert plan.reason == "changed: factor release"
    assert not plan.rebuild_history, "the incremental models rebuild every day on a new release themselves"
    _land(paths, "part-1.parquet", b"new rows")
    assert not build_state.plan(paths, VARS, project=project).rebuild_history


def test_a_model_edit_whose_build_failed_still_rebuilds_history(paths, project):
    """The failed build's copy is discarded: the published warehouse is still the old SQL's."""
    _built(paths, project)
    (project / "macros" / "f.sql").write_text("{% macro f() %}2{% endmacro %}\n")
    build_state.forget(paths)  # the build of the edited project starts, then fails
    plan = build_state.plan(paths, VARS, project=project)
    assert not plan.skip and plan.rebuild_history


def test_dbt_outputs_in_the_project_are_not_inputs(paths, project):
    _built(paths, project)
    (project / "target").mkdir()
    (project / "target" / "manifest.json").write_text("{}")
    (project / "logs").mkdir()
    (project / "logs" / "dbt.log").write_text("x")
    assert build_state.plan(paths, VARS, project=project).skip


def test_a_missing_or_replaced_warehouse_builds_every_seed(paths, project):
    _built(paths, project)
    paths.warehouse.write_bytes(b"another file")
    plan = build_state.plan(paths, VARS, project=project)
    assert not plan.skip and "warehouse file" in plan.reason and plan.unchanged_seeds == []
    paths.warehouse.unlink()
    assert not build_state.plan(paths, VARS, project=project).skip


def test_full_refresh_and_a_forgotten_state_always_build(paths, project):
    _built(paths, project)
    assert not build_state.plan(paths, VARS, full_refresh=True, project=project).skip
    build_state.forget(paths)  # what the dbt step does before building: a failed build is never "done"
    assert build_state.recorded(paths).warehouse is None
    plan = build_state.plan(paths, VARS, project=project)
    assert not plan.skip and plan.reason == "the last build did not finish"
    assert not plan.rebuild_history


def test_an_unreadable_state_file_builds(paths, project):
    _built(paths, project)
    build_state.state_path(paths).write_text("{not json")
    assert build_state.plan(paths, VARS, project=project).reason == "no successful build recorded"


def test_the_repositorys_project_fingerprint_is_stable(tmp_path):
    """Two fingerprints of the real dbt project with nothing changed in between are equal."""
    paths = Paths(tmp_path / "home")
    first = build_state.fingerprint(paths, VARS)
    assert first == build_state.fingerprint(paths, VARS)
    assert "method_tiers" in first.seeds


def test_a_copied_project_fingerprints_the_same(tmp_path, project):
    """Hashes are of content and relative paths, not of where the project lives."""
    paths = Paths(tmp_path / "home")
    copy = tmp_path / "copy"
    shutil.copytree(project, copy)
    assert build_state.project_hash(copy) == build_state.project_hash(project)
    assert build_state.seed_hashes(copy) == build_state.seed_hashes(project)
    assert (
        build_state.fingerprint(paths, VARS, copy).key()
        == build_state.fingerprint(paths, VARS, project).key()
    )


def test_a_changed_model_or_release_builds_the_views_again(paths, project):
    """A view's SQL, or a var it embeds, may have changed: only landed data and seeds keep the views."""
    _built(paths, project)
    _land(paths, "part-1.parquet", b"new day")
    (project / "seeds" / "grid.csv").write_text("country,kg\nFR,0.07\n")
    assert build_state.plan(paths, VARS, project=project).project_unchanged
    (project / "models" / "new_view.sql").write_text("select 1 as x\n")
    assert not build_state.plan(paths, VARS, project=project).project_unchanged
    (project / "models" / "new_view.sql").unlink()
    other_release = VARS | {"factor_release_sha256": "another"}
    assert not build_state.plan(paths, other_release, project=project).project_unchanged


def _manifest() -> dict:
    """A hand-written graph: two seeds, a source, a model over a seed, a model over a seed and a source."""

    def node(kind: str, name: str, parents=(), severity: str | None = None) -> tuple[str, dict]:
        uid = f"{kind}.p.{name}"
        config = {"severity": severity} if severity else {}
        return uid, {
            "resource_type": kind,
            "name": name,
            "depends_on": {"nodes": list(parents)},
            "config": config,
        }

    return {
        "nodes": dict(
            [
                node("seed", "grid"),
                node("seed", "pue"),
                node("model", "stg_grid", ["seed.p.grid"]),
                node("model", "fct", ["model.p.stg_grid", "source.p.landing.openai"]),
                node("test", "unique_grid_key", ["seed.p.grid"]),
                node("test", "not_null_stg_grid_key", ["model.p.stg_grid"]),
                node("test", "grid_matches_pue", ["seed.p.grid", "seed.p.pue"]),
                node("test", "warned_grid_range", ["seed.p.grid"], severity="WARN"),
                node("test", "unique_fct_id", ["model.p.fct"]),
                node("test", "unique_pue_key", ["seed.p.pue"]),
            ]
        )
    }


def test_seed_only_tests_are_the_error_tests_reading_nothing_but_unchanged_seeds():
    assert build_state.seed_only_tests(_manifest(), ["grid"]) == ["not_null_stg_grid_key", "unique_grid_key"]
    assert build_state.seed_only_tests(_manifest(), ["grid", "pue"]) == [
        "grid_matches_pue",  # both its seeds unchanged
        "not_null_stg_grid_key",  # through a model that reads only the seed
        "unique_grid_key",
        "unique_pue_key",
    ]  # never a test reading landed data (unique_fct_id), never a warn test (it can fail and pass a build)
    assert build_state.seed_only_tests(_manifest(), []) == []
