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
        var check = access.CheckAsync(context.GetHttpContext(), browserReachable: false);
        if (!check.IsCompletedSuccessfully)
        {
            return CheckedAsync(check, () => continuation(request, context));
        }

        Throw(check.Result);
        return continuation(request, context);
    }

    public override Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation)
    {
        var check = access.CheckAsync(context.GetHttpContext(), browserReachable: false);
        if (!check.IsCompletedSuccessfully)
        {
            return CheckedAsync(check, () => continuation(requestStream, context));
        }

        Throw(check.Result);
        return continuation(requestStream, context);
    }

    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        Throw(await access.CheckAsync(context.GetHttpContext(), browserReachable: false));
        await continuation(request, responseStream, context);
    }

    public override async Task DuplexStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, IServerStreamWriter<TResponse> responseStream, ServerCallContext context,
        DuplexStreamingServerMethod<TRequest, TResponse> continuation)
    {
        Throw(await access.CheckAsync(context.GetHttpContext(), browserReachable: false));
        await continuation(requestStream, responseStream, context);
    }

    private static async Task<TResponse> CheckedAsync<TResponse>(ValueTask<AccessRefusal?> check, Func<Task<TResponse>> continuation)
    {
        Throw(await check);
        return await continuation();
    }

    private static void Throw(AccessRefusal? refusal)
    {
        if (refusal is null)
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
