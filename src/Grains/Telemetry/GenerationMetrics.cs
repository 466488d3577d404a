using System.Diagnostics.Metrics;

namespace OrleansInference.Grains.Telemetry;

/// <summary>
/// Text generation's instruments on the <see cref="ServingMetrics.MeterName"/> meter: active and queued sequences,
/// generated tokens, time to first token, inter-token latency and sequences per step, tagged by model and version.
/// </summary>
public sealed class GenerationMetrics
{
    private readonly UpDownCounter<long> _active;
    private readonly UpDownCounter<long> _queued;
    private readonly Counter<long> _tokens;
    private readonly Counter<long> _sequences;
    private readonly Histogram<double> _firstToken;
    private readonly Histogram<double> _interToken;
    private readonly Histogram<long> _stepSequences;

    public GenerationMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        var meter = meterFactory.Create(ServingMetrics.MeterName);
        _active = meter.CreateUpDownCounter<long>("oi.generation.sequences.active", "{sequence}", "Sequences holding a slot of a generative version's running batch.");
        _queued = meter.CreateUpDownCounter<long>("oi.generation.requests.queued", "{request}", "Generation requests waiting for a slot.");
        _tokens = meter.CreateCounter<long>("oi.generation.tokens", "{token}", "Tokens generated.");
        _sequences = meter.CreateCounter<long>("oi.generation.sequences", "{sequence}", "Finished sequences by reason (stop, length, cancelled, failed).");
        _firstToken = meter.CreateHistogram<double>(
            "oi.generation.time_to_first_token", "s", "Time from a request's admission to its first generated token.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] });
        _interToken = meter.CreateHistogram<double>(
            "oi.generation.inter_token_latency", "s", "Time between two consecutive tokens of one sequence.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1] });
        _stepSequences = meter.CreateHistogram<long>(
            "oi.generation.step.sequences", "{sequence}", "Sequences advanced by one step (one model run) of the continuous batcher.",
            advice: new InstrumentAdvice<long> { HistogramBucketBoundaries = [1, 2, 4, 8, 16, 32, 64, 128, 256] });
    }

    public void ActiveChanged(string model, string version, int delta) => _active.Add(delta, Tag("model", model), Tag("version", version));

    public void QueuedChanged(string model, string version, int delta) => _queued.Add(delta, Tag("model", model), Tag("version", version));

    public void Token(string model, string version) => _tokens.Add(1, Tag("model", model), Tag("version", version));

    public void Finished(string model, string version, string reason) => _sequences.Add(1, Tag("model", model), Tag("version", version), Tag("reason", reason));

    public void FirstToken(string model, string version, TimeSpan elapsed) => _firstToken.Record(elapsed.TotalSeconds, Tag("model", model), Tag("version", version));

    public void InterToken(string model, string version, TimeSpan elapsed) => _interToken.Record(elapsed.TotalSeconds, Tag("model", model), Tag("version", version));

    public void Step(string model, string version, int sequences) => _stepSequences.Record(sequences, Tag("model", model), Tag("version", version));

    private static KeyValuePair<string, object?> Tag(string key, string value) => new(key, value);
}
