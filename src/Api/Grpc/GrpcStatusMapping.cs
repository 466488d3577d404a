using System.Globalization;
using Grpc.Core;
using OrleansInference.Api.KServe;

namespace OrleansInference.Api.Grpc;

/// <summary>Maps a v2 failure (an HTTP status, as REST answers) to the gRPC status of the same meaning.</summary>
internal static class GrpcStatusMapping
{
    public static StatusCode ToStatusCode(int httpStatus) => httpStatus switch
    {
        StatusCodes.Status400BadRequest => StatusCode.InvalidArgument,
        StatusCodes.Status404NotFound => StatusCode.NotFound,
        StatusCodes.Status409Conflict => StatusCode.FailedPrecondition,
        StatusCodes.Status413PayloadTooLarge or StatusCodes.Status429TooManyRequests => StatusCode.ResourceExhausted,
        499 => StatusCode.Cancelled,
        StatusCodes.Status503ServiceUnavailable => StatusCode.Unavailable,
        StatusCodes.Status504GatewayTimeout => StatusCode.DeadlineExceeded,
        _ => StatusCode.Internal,
    };

    /// <summary>The exception that ends a call with <paramref name="failure"/>; <c>retry-after</c> (seconds) travels as a trailer.</summary>
    public static RpcException ToException(V2Failure failure)
    {
        var trailers = new Metadata();
        if (failure.RetryAfter is { } wait)
        {
            trailers.Add("retry-after", Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture));
        }

        return new RpcException(new Status(ToStatusCode(failure.StatusCode), failure.Message), trailers);
    }

    /// <summary>An INVALID_ARGUMENT naming what was wrong.</summary>
    public static RpcException Invalid(string message) => new(new Status(StatusCode.InvalidArgument, message));
}
