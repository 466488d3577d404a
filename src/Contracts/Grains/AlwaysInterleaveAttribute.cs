namespace OrleansInference.Contracts.Grains;

/// <summary>
/// Marks a grain interface method as safe to interleave: it runs concurrently with the grain's turns and with
/// other interleaved calls, so it must only touch state that is safe for concurrent access.
/// </summary>
[AttributeUsage(AttributeTargets.Method, Inherited = true, AllowMultiple = false)]
public sealed class AlwaysInterleaveAttribute : Attribute
{
}
