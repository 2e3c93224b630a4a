"""tracking kernels."""
