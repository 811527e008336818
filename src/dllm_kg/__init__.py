"""dllm-kg: the awesome-distributed-LLM list as a knowledge graph."""

__version__ = "0.1.0"
