"""EVT4xx: Kafka consumers that start before their topics are known to be ready."""
