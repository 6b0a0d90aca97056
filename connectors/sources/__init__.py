"""Where articles come from."""
