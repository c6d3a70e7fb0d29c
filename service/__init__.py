"""diplomatic-events: code news articles into PLOVER 2.0 diplomatic events on Kafka."""

__version__ = "0.2.0"
