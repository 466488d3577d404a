namespace OrleansInference.Contracts.Grains;

/// <summary>
/// Marks a grain interface method as not changing grain state. Documentation for callers and a hint that the
/// method could interleave with other read-only calls.
/// </summary>
[AttributeUsage(AttributeTargets.Method, Inherited = true, AllowMultiple = false)]
public sealed class ReadOnlyAttribute : Attribute
{
}
