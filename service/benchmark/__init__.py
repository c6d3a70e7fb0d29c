"""``diplomatic-events bench``: throughput, latency and cost of the coder and the service.

Offline (``offline.py``): the plain spaCy pipeline as the baseline, then the extraction
core, on the same corpus in one process. Through Kafka (``stream.py``): real worker
processes against the real broker, fed at fixed rates and at full speed. ``report.py``
writes JSON, a markdown table and the latency-against-load plot.
"""
