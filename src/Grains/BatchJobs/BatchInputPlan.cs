using OrleansInference.Contracts.BatchJobs;

namespace OrleansInference.Grains.BatchJobs;

/// <summary>How an input file splits into chunks. Deterministic for an unchanged file, so a resumed job finds the same chunks.</summary>
/// <param name="Header">The CSV header line (null for JSON Lines).</param>
/// <param name="RowsTotal">Records in the file (blank lines are not records).</param>
/// <param name="Chunks">The chunks in input order.</param>
public sealed record BatchInputPlan(string? Header, long RowsTotal, IReadOnlyList<BatchChunk> Chunks);
