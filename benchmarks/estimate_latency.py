"""How long `ewh estimate` makes a user wait, against issue #20's target of 0.5 s per option.

    python benchmarks/estimate_latency.py [--runs 7] [--out benchmarks/results/estimate_latency.json]

A fresh EWH_HOME (temporary) gets its compiled chain from one untimed estimate (the one-time build a
new dbt project version costs). Then, warm:

* in-process: ``ewh.estimate.estimate`` on one option, and on two options (per-option figure = time / 2);
* whole command: ``ewh estimate`` as a new process (interpreter start and imports included).

Each figure is the median of ``--runs``; PASS/MISS is printed against the target. Nothing is asserted:
speed lives here, not in the test suite.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TARGET_SECONDS = 0.5
COMMAND = ["estimate", "--vendor", "openai", "--model", "gpt-4o-mini", "--input-tokens", "8e6"]
COMMAND += ["--output-tokens", "2e6", "--requests", "4000", "--json"]


def _median(samples: list[float]) -> float:
    return statistics.median(samples)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args(argv)
    home = Path(tempfile.mkdtemp(prefix="ewh-estimate-bench-"))
    os.environ["EWH_HOME"] = str(home)
    from ewh import estimate as est

    one = [est.Usage(label="A", vendor="openai", model="gpt-4o-mini", input_tokens=8e6, output_tokens=2e6)]
    two = [*one, est.Usage(label="B", vendor="openai", model="gpt-4o", input_tokens=8e6, output_tokens=2e6)]
    started = time.perf_counter()
    est.estimate(one)  # builds and caches the chain: the one-time cost
    first = time.perf_counter() - started

    def timed(options) -> float:
        started = time.perf_counter()
        est.estimate(options)
        return time.perf_counter() - started

    single = _median([timed(one) for _ in range(args.runs)])
    pair = _median([timed(two) for _ in range(args.runs)]) / 2
    ewh = Path(sys.executable).parent / "ewh"
    command = []
    for _ in range(args.runs):
        started = time.perf_counter()
        subprocess.run([str(ewh), *COMMAND], check=True, capture_output=True, env=os.environ)
        command.append(time.perf_counter() - started)
    figures = {
        "first_estimate_builds_chain_s": round(first, 2),
        "in_process_one_option_s": round(single, 3),
        "in_process_per_option_of_two_s": round(pair, 3),
        "whole_command_one_option_s": round(_median(command), 3),
        "target_s": TARGET_SECONDS,
        "runs": args.runs,
    }
    for name, value in figures.items():
        verdict = ""
        if name.startswith(("in_process", "whole_command")):
            verdict = "PASS" if value <= TARGET_SECONDS else "MISS"
        print(f"{name:34} {value:>8} {verdict}")
    if args.out:
        args.out.write_text(json.dumps(figures, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
