using System.Diagnostics.CodeAnalysis;

namespace OrleansInference.Api.KServe;

/// <summary>The value of a v2 operation, or why there is none.</summary>
internal readonly struct V2Outcome<T>
{
    private V2Outcome(T? value, V2Failure? failure)
    {
        Value = value;
        Failure = failure;
    }

    /// <summary>The value; set when <see cref="Failure"/> is null.</summary>
    public T? Value { get; }

    /// <summary>Why the operation failed; null on success.</summary>
    public V2Failure? Failure { get; }

    /// <summary>The fallback version that answered because the requested version's circuit breaker was open; null otherwise.</summary>
    public string? FallbackVersion { get; private init; }

    /// <summary>True when the operation succeeded.</summary>
    [MemberNotNullWhen(false, nameof(Failure))]
    public bool IsSuccess => Failure is null;

    public static implicit operator V2Outcome<T>(T value) => new(value, null);

    /// <summary>This outcome, marked as answered by <paramref name="version"/> (no mark when null).</summary>
    public V2Outcome<T> ServedBy(string? version) => version is null ? this : new(Value, Failure) { FallbackVersion = version };

    public static implicit operator V2Outcome<T>(V2Failure failure) => new(default, failure);
}
