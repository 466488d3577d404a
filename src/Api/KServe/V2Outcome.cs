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

    /// <summary>True when the operation succeeded.</summary>
    [MemberNotNullWhen(false, nameof(Failure))]
    public bool IsSuccess => Failure is null;

    public static implicit operator V2Outcome<T>(T value) => new(value, null);

    public static implicit operator V2Outcome<T>(V2Failure failure) => new(default, failure);
}
