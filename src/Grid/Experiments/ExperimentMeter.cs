using System.Diagnostics.Metrics;

namespace OrleansInference.Grid.Experiments;

/// <summary>The experiments' meter: guardrail rollbacks (the alert) and dropped shadow copies.</summary>
public sealed class ExperimentMeter : IDisposable
{
    /// <summary>The meter name.</summary>
    public const string Name = "OrleansInference.Experiments";

    private readonly Meter _meter;

    public ExperimentMeter(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        _meter = meterFactory.Create(Name);
        Rollbacks = _meter.CreateCounter<long>("orleansinference.experiment.rollbacks", "{rollback}", "Canary rollbacks triggered by a guardrail breach.");
        ShadowDropped = _meter.CreateCounter<long>("orleansinference.experiment.shadow.dropped", "{request}", "Shadow copies dropped because the shadow queue was full.");
    }

    /// <summary>Guardrail rollbacks.</summary>
    public Counter<long> Rollbacks { get; }

    /// <summary>Dropped shadow copies.</summary>
    public Counter<long> ShadowDropped { get; }

    /// <inheritdoc />
    public void Dispose() => _meter.Dispose();
}
