namespace OrleansInference.Grains.Hosting;

/// <summary>Idle collection and shutdown settings of the grain host (configuration section <c>Grains:Collection</c>).</summary>
public sealed class GrainCollectionOptions
{
    /// <summary>The configuration section these options bind from.</summary>
    public const string SectionName = "Grains:Collection";

    /// <summary>
    /// How often the collector looks for idle activations. Greater than zero; default 1 minute. An activation is
    /// collected between its age limit and its age limit plus one quantum after its last call.
    /// </summary>
    public TimeSpan CollectionQuantum { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Idle time after which an activation is deactivated, unless its class overrides it. Greater than zero; default 15 minutes.</summary>
    public TimeSpan DefaultIdleTimeout { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>
    /// Idle age limits by grain class full name (for example <c>OrleansInference.Grains.Models.ModelGrain</c>); each
    /// greater than zero. Takes precedence over <see cref="CollectionAgeLimitAttribute"/>. Default empty.
    /// </summary>
    public IDictionary<string, TimeSpan> ClassSpecificCollectionAge { get; } = new Dictionary<string, TimeSpan>(StringComparer.Ordinal);

    /// <summary>
    /// How long an idle or requested deactivation may take (waiting for interleaved calls and running
    /// <see cref="Grain.OnDeactivateAsync"/>) before its token is cancelled. Greater than zero; default 30 seconds.
    /// Shutdown uses the host's stop token instead.
    /// </summary>
    public TimeSpan DeactivationTimeout { get; set; } = TimeSpan.FromSeconds(30);
}
