using System.Globalization;
using Grpc.Core;
using Grpc.Core.Interceptors;

namespace OrleansInference.Api.Security;

/// <summary>
/// Enforces <see cref="AccessControl"/> on every gRPC method before it runs: UNAUTHENTICATED without a valid key,
/// PERMISSION_DENIED without the role, RESOURCE_EXHAUSTED past a rate limit (with a <c>retry-after</c> trailer).
/// </summary>
internal sealed class AccessControlInterceptor(AccessControl access) : Interceptor
{
    public override Task<TResponse> UnaryServerHandler<TRequest, TResponse>(TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        Check(context);
        return continuation(request, context);
    }

    public override Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation)
    {
        Check(context);
        return continuation(requestStream, context);
    }

    public override Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        Check(context);
        return continuation(request, responseStream, context);
    }

    public override Task DuplexStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, IServerStreamWriter<TResponse> responseStream, ServerCallContext context,
        DuplexStreamingServerMethod<TRequest, TResponse> continuation)
    {
        Check(context);
        return continuation(requestStream, responseStream, context);
    }

    private void Check(ServerCallContext context)
    {
        if (access.Check(context.GetHttpContext(), browserReachable: false) is not { } refusal)
        {
            return;
        }

        var code = refusal.StatusCode switch
        {
            StatusCodes.Status401Unauthorized => StatusCode.Unauthenticated,
            StatusCodes.Status403Forbidden => StatusCode.PermissionDenied,
            _ => StatusCode.ResourceExhausted,
        };
        var trailers = new Metadata();
        if (refusal.RetryAfter is { } wait)
        {
            trailers.Add("retry-after", AccessControl.Seconds(wait).ToString(CultureInfo.InvariantCulture));
        }

        throw new RpcException(new Status(code, refusal.Message), trailers);
    }
}
