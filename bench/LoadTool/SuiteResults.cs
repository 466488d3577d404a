using System.Text.Json.Serialization;

namespace OrleansInference.LoadTool;

/// <summary>Everything one <c>all</c> run measured, as written to <c>load.json</c>.</summary>
internal sealed record SuiteResults(
    string StartedUtc,
    string Machine,
    string GridHosting,
    string Provider,
    int WideHidden,
    IReadOnlyList<RawOrtResult> RawOrt,
    IReadOnlyList<ScenarioResult> Scenarios,
    IReadOnlyList<BatchCurvePoint> BatchCurve,
    IReadOnlyList<TargetResult> Targets);

/// <summary>One scenario: what was sent, and every run against each system.</summary>
internal sealed record ScenarioResult(string Name, string Description, int RequestBytes, IReadOnlyList<LoadRunResult> Runs);

/// <summary>One point of the batch-size curve: raw ORT at that batch, and the grid with that max batch size.</summary>
internal sealed record BatchCurvePoint(int BatchSize, double RawRowsPerSecond, double RawRunP50Ms, double GridThroughput, double GridP50Ms, double GridP99Ms, int Concurrency);

/// <summary>A target, its measured value and whether it is met.</summary>
internal sealed record TargetResult(string Name, string Goal, double Value, string Unit, bool Met, string Detail);

[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(SuiteResults))]
[JsonSerializable(typeof(GcSnapshot))]
internal sealed partial class LoadToolJsonContext : JsonSerializerContext;
