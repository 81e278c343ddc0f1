"""The local simulator: what the developer console's Test tab is, on your own machine."""
