"""Run the command line as ``python -m dllm_kg``."""

from dllm_kg.console import main

if __name__ == "__main__":  # the query workers of `serve` import this module again
    main()
