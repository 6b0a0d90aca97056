"""Where events and totals go."""
