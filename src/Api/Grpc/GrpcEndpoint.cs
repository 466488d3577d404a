using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace OrleansInference.Api.Grpc;

/// <summary>Where the gRPC endpoint listens, once Kestrel has bound it (the real port when configured with port 0).</summary>
public sealed class GrpcEndpoint
{
    internal ListenOptions? Listener { get; set; }

    /// <summary>The bound address, <c>http://host:port/</c>; null when gRPC is disabled or not yet bound.</summary>
    public Uri? Address => Listener?.IPEndPoint is { } endpoint ? new Uri($"http://{endpoint}/") : null;
}
