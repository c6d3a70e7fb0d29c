"""The stream layer: moves records between Kafka and the extraction core, and counts."""
