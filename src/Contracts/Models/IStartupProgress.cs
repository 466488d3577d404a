namespace OrleansInference.Contracts.Models;

/// <summary>
/// A co-hosted silo's start-up (catalog scan, loading and warming the serving versions), for the readiness of the
/// process that hosts it. A pure cluster client has none.
/// </summary>
public interface IStartupProgress
{
    /// <summary>True once start-up has finished (whether or not every version loaded).</summary>
    bool IsCompleted { get; }
}
