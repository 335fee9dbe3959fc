"""Where numbers are defined: metrics, filters, each page's figures and the insights."""
