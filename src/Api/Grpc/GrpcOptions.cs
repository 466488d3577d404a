using System.ComponentModel.DataAnnotations;

namespace OrleansInference.Api.Grpc;

/// <summary>The KServe v2 gRPC endpoint (configuration section <c>Grpc</c>).</summary>
public sealed class GrpcOptions
{
    /// <summary>The configuration section these options bind to.</summary>
    public const string SectionName = "Grpc";

    /// <summary>
    /// Where gRPC listens: an <c>http://host:port</c> URL served as cleartext HTTP/2 only (h2c, prior knowledge),
    /// separate from the REST port because a cleartext port serving HTTP/1.1 and HTTP/2 together breaks gRPC clients.
    /// Port 0 picks a free port (tests). Empty disables gRPC. Default <c>http://127.0.0.1:8081</c>.
    /// </summary>
    public string? Url { get; set; } = "http://127.0.0.1:8081";

    /// <summary>
    /// The largest request message accepted, in bytes, after decompression; a larger one ends the call with
    /// RESOURCE_EXHAUSTED. From 1 KiB; default 64 MiB.
    /// </summary>
    [Range(1024, int.MaxValue)]
    public int MaxReceiveMessageBytes { get; set; } = 64 * 1024 * 1024;

    /// <summary>
    /// How many requests of one <c>ModelStreamInfer</c> call run at once; responses still go out in arrival order.
    /// From 1 to 1024; default 16.
    /// </summary>
    [Range(1, 1024)]
    public int MaxStreamRequestsInFlight { get; set; } = 16;
}
