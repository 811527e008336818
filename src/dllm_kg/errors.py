"""The one base of every error dllm-kg reports to its user as a one-line message, and the
exit status of an interrupted command."""


class DllmKgError(Exception):
    """Input or output that dllm-kg cannot work with; its message names the file and why."""


#: The exit status of a command stopped by Ctrl-C, as shells report it (128 + SIGINT).
INTERRUPTED = 130
