"""Benchmarks at real scale: ``bench.seed`` builds the data set, ``bench.load`` drives the site
over HTTP and prints the figures, ``bench.scaleout`` checks two app servers side by side."""
