"""The fixed cost of an `ewh run`, against issue #20's target of 5 s.

    python benchmarks/fixed_cost.py [--runs 3] [--out benchmarks/results/fixed_cost.json]

On an empty export set (one empty folder per registered source) in a fresh, temporary EWH_HOME:

* first run: a new home pays for loading every seed and building every model once;
* unchanged runs (``--runs`` of them, median): ``ewh run`` again with nothing changed. The landed
  data, dbt project and seeds match the last successful build's fingerprint (warehouse/build_state.py),
  so the dbt run is not created; what remains is process start, Dagster definitions (from the prepared
  manifest), the landing run (an ingest step and a GX check per source), the mart checks and the report.
  This is the figure the target is about;
* unchanged runs on a home that holds data (``--runs`` of them, median): the bundled samples landed
  and built once, then ``ewh run`` on the empty export set. This is a real team's nightly with no new
  exports: the freshness checks of the sources in use and the mart checks run on real marts (their GX
  suites are not validated again while the marts and limits are unchanged: warehouse/gx_suites.py);
* pieces of it, each in a new process: importing the CLI (``ewh --help``), importing Dagster and the
  definitions module, building the definitions.

Wall and CPU seconds are printed (the CPU time of the process tree is steadier on a shared machine),
with PASS/MISS against the target. Nothing is asserted: speed lives here, not in the test suite.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TARGET_SECONDS = 5.0
REPO = Path(__file__).resolve().parents[1]
PY = Path(sys.executable)


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(command: list[str], env: dict) -> dict:
    cpu, started = _children_cpu(), time.perf_counter()
    result = subprocess.run(command, env=env, cwd=REPO, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    if result.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed ({result.returncode}):\n{result.stderr[-3000:]}")
    return {
        "seconds": round(seconds, 2),
        "cpu_seconds": round(_children_cpu() - cpu, 2),
        "stdout": result.stdout,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="unchanged runs to time (median)")
    parser.add_argument("--out", type=Path, help="write the figures as JSON here")
    args = parser.parse_args(argv)

    sys.path.insert(0, str(REPO))
    from connectors.core.registry import CONNECTORS

    work = Path(tempfile.mkdtemp(prefix="ewh-fixed-cost-"))
    empty, home = work / "exports", work / "home"
    for source in CONNECTORS:
        (empty / source).mkdir(parents=True)
    env = {k: v for k, v in os.environ.items() if k not in {"DAGSTER_HOME", "EWH_WAREHOUSE_PATH"}}
    for key in list(env):  # no vendor API calls in a benchmark
        if key.endswith(("_ADMIN_KEY", "_ACCESS_TOKEN", "_API_KEY")):
            env.pop(key)
    env |= {
        "EWH_HOME": str(home),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")])),
    }
    run = [str(PY), "-m", "ewh.cli", "run", "--samples", str(empty)]

    subprocess.run([str(PY), "-m", "warehouse.dbt", "prepare"], env=env, cwd=REPO, check=True)
    print(f"[1/4] first run in a fresh home ({home})", flush=True)
    first = timed(run, env)
    print(f"[2/4] {args.runs} unchanged run(s)", flush=True)
    repeats = [timed(run, env) for _ in range(args.runs)]
    skipped = all("dbt not run:" in r["stdout"] for r in repeats)
    print(f"[3/4] a home holding the bundled samples, then {args.runs} unchanged run(s)", flush=True)
    full = work / "full-home"
    # the seat samples hold user identifiers: they land only as keyed pseudonyms (a benchmark key)
    full_env = env | {"EWH_HOME": str(full), "EWH_PSEUDONYM_KEY": "fixed-cost-benchmark-key"}
    timed([str(PY), "-m", "ewh.cli", "run", "--samples", str(REPO / "data" / "samples")], full_env)
    timed(run, full_env)  # the samples' files are gone from the export set: nothing pending from here
    populated = [timed(run, full_env) for _ in range(args.runs)]
    print("[4/4] pieces: CLI import, Dagster + definitions import, definitions build", flush=True)
    pieces = {
        "ewh --help (interpreter + CLI)": timed([str(PY), "-m", "ewh.cli", "--help"], env),
        "import dagster + orchestration.definitions": timed(
            [str(PY), "-c", "import dagster, orchestration.definitions"], env
        ),
        "build the definitions (prepared manifest)": timed(
            [str(PY), "-c", "from orchestration.definitions import build_definitions; build_definitions()"],
            env,
        ),
    }
    wall = statistics.median(r["seconds"] for r in repeats)
    cpu = statistics.median(r["cpu_seconds"] for r in repeats)
    populated_wall = statistics.median(r["seconds"] for r in populated)
    populated_cpu = statistics.median(r["cpu_seconds"] for r in populated)
    status = "PASS" if wall <= TARGET_SECONDS else "MISS"
    populated_status = "PASS" if populated_wall <= TARGET_SECONDS else "MISS"

    print("\n| figure | wall s | CPU s |\n|---|---:|---:|")
    print(f"| first run, fresh home (every seed and model) | {first['seconds']} | {first['cpu_seconds']} |")
    print(f"| unchanged run, median of {args.runs} (dbt not run: {skipped}) | {wall} | {cpu} |")
    print(
        f"| unchanged run, home with the samples, median of {args.runs} "
        f"| {populated_wall} | {populated_cpu} |"
    )
    for name, figure in pieces.items():
        print(f"| {name} | {figure['seconds']} | {figure['cpu_seconds']} |")
    print(
        f"\n{status}  fixed cost of an unchanged `ewh run` <= {TARGET_SECONDS:g} s: {wall} s wall, "
        f"{cpu} s CPU (median of {args.runs}; machine load {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs)"
    )
    print(
        f"{populated_status}  the same on a home holding the bundled samples: {populated_wall} s wall, "
        f"{populated_cpu} s CPU"
    )
    if args.out:
        args.out.write_text(
            json.dumps(
                {
                    "target_seconds": TARGET_SECONDS,
                    "status": status,
                    "first_run": {k: v for k, v in first.items() if k != "stdout"},
                    "unchanged_runs": [{k: v for k, v in r.items() if k != "stdout"} for r in repeats],
                    "unchanged_median_seconds": wall,
                    "unchanged_median_cpu_seconds": cpu,
                    "dbt_skipped": skipped,
                    "populated_home": {
                        "status": populated_status,
                        "runs": [{k: v for k, v in r.items() if k != "stdout"} for r in populated],
                        "median_seconds": populated_wall,
                        "median_cpu_seconds": populated_cpu,
                    },
                    "pieces": {k: {x: y for x, y in v.items() if x != "stdout"} for k, v in pieces.items()},
                    "load_average": os.getloadavg()[0],
                    "cpu_count": os.cpu_count(),
                },
                indent=2,
            )
            + "\n"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
