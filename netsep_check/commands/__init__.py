"""The commands of ``netsep-check``, by family; :mod:`netsep_check.cli` gathers them under one
click group. Each module imports click and the leaves at start-up, all else inside the
command, so ``--version`` and ``--help`` stay cheap."""
