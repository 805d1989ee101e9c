"""The ``ewh`` application: the command line and what it reads and writes (report, exports, estimate,
trust). It reads the warehouse through ``warehouse/`` and runs the pipeline only through
``orchestration.runner``."""
