"""Where data enters without a token: Ads Manager and Instagram CSV exports."""
