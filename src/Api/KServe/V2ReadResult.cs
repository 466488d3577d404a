using System.Diagnostics.CodeAnalysis;

namespace OrleansInference.Api.KServe;

/// <summary>The outcome of reading a v2 request body: the request, or the error to answer with 400.</summary>
public readonly struct V2ReadResult
{
    private V2ReadResult(V2InferRequest? request, V2CodecError? error)
    {
        Request = request;
        Error = error;
    }

    /// <summary>The parsed request on success; the caller owns and disposes it.</summary>
    public V2InferRequest? Request { get; }

    /// <summary>Why the body was rejected, on failure.</summary>
    public V2CodecError? Error { get; }

    /// <summary>True when the body was read.</summary>
    [MemberNotNullWhen(true, nameof(Request))]
    [MemberNotNullWhen(false, nameof(Error))]
    public bool IsSuccess => Request is not null;

    /// <summary>A successful read.</summary>
    public static V2ReadResult Success(V2InferRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return new(request, null);
    }

    /// <summary>A rejected body.</summary>
    public static V2ReadResult Failure(string message) => new(null, new V2CodecError(message));
}
