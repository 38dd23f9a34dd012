"""zonescore benchmarks (issue 7): ``python -m benchmarks [kernels|flagship|ingest|reads|memory] [--quick]``.

Not part of ``make test``. Every figure is printed as it is measured and collected in
:data:`benchmarks.common.RESULTS`; ``--markdown FILE`` writes the results table.
"""
