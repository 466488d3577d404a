using Orleans;

namespace OrleansInference.Contracts.Inference;

/// <summary>Scheduling class of an inference request. Queued real-time work is always batched first.</summary>
[GenerateSerializer]
[Alias("oi.RequestPriority")]
public enum RequestPriority
{
    /// <summary>Interactive traffic with a client waiting.</summary>
    RealTime = 0,

    /// <summary>Offline work such as batch jobs, which yields to real-time traffic.</summary>
    Offline = 1,
}
