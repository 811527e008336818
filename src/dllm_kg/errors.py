"""The one base of every error dllm-kg reports to its user as a one-line message."""


class DllmKgError(Exception):
    """Input or output that dllm-kg cannot work with; its message names the file and why."""
