"""Commands that load on first use, so that `negsim replay` starts fast."""
