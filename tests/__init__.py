"""dllm-kg tests."""
