"""Pages of reports: filing (报送) in filing.py; figures, dashboard, bulletin and assessment in stats.py."""
