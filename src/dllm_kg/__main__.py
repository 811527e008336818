"""Run the command line as ``python -m dllm_kg``."""

from dllm_kg.cli import main

main()
