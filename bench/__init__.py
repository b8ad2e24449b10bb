"""`make bench`: seeds synthetic data at scale and measures the site against floors in one run.

See docs/performance.md for what is measured, the targets and the latest results.
"""
