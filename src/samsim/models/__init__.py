"""models kernels."""
