"""Where data enters: the Graph API client (one request with retries, paging, limits, versions)."""
