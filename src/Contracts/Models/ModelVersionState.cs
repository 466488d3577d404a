using Orleans;

namespace OrleansInference.Contracts.Models;

/// <summary>Lifecycle of a model version on a silo.</summary>
[GenerateSerializer]
[Alias("oi.ModelVersionState")]
public enum ModelVersionState
{
    /// <summary>No sessions exist.</summary>
    Unloaded,

    /// <summary>Sessions are being created and warmed up; not yet serving.</summary>
    Loading,

    /// <summary>Warm and serving.</summary>
    Ready,

    /// <summary>Finishing queued requests before unloading; new requests are refused.</summary>
    Draining,

    /// <summary>Loading or warm-up failed; the status carries the reason.</summary>
    Failed,
}
