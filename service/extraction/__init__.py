"""Extraction core: pure event coding, no Kafka. ``EventExtractor`` is the entry point."""

from service.extraction.pipeline import EventExtractor

__all__ = ["EventExtractor"]
