namespace OrleansInference.BatchBenchmark;

/// <summary>Latency of a real-time stream: successful requests, failures, achieved rate and percentiles in milliseconds.</summary>
internal sealed record LatencySummary(int Requests, int Failures, double RequestsPerSecond, double P50Ms, double P99Ms, double MaxMs);
