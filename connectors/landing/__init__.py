"""The landing zone: crash-safe writes of raw copies and activity Parquet, the console-export inbox,
the writer lock, and the ingest loop that ties a connector to them."""
