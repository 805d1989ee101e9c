"""Generators of the bundled sample exports in ``data/samples/`` (deterministic: same code, same bytes).

Each module writes one or more ``<source>/`` folders under a samples root; run one as
``python -m tools.samples.<module> [SAMPLES_DIR]`` (default: ``data/samples``).
``tests/tools/test_samples_drift.py`` regenerates every one into a temporary folder and compares bytes.
"""
