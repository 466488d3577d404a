using Orleans;

namespace OrleansInference.Contracts.Models;

/// <summary>
/// The grid's durable state store (Redis in cluster mode) could not be reached or did not answer in time. A transient
/// failure of the grid, not of the request: the API answers 503 with Retry-After, and batch jobs wait for the store
/// to return instead of failing. It crosses grain calls, so it carries the store's message but not the client
/// library's exception.
/// </summary>
[GenerateSerializer]
[Alias("oi.StateStoreUnavailableException")]
public sealed class StateStoreUnavailableException : Exception
{
    public StateStoreUnavailableException()
        : base("The grid's state store is unavailable; retry shortly.")
    {
    }

    public StateStoreUnavailableException(string message)
        : base(message)
    {
    }

    public StateStoreUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
