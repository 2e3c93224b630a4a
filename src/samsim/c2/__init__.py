"""c2 kernels."""
