"""报送统计 (reports)."""
