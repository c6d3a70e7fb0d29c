"""diplomatic-events: code news articles into PLOVER 2.0 diplomatic events on Kafka."""

__version__ = "0.1.0"
