using System.ComponentModel.DataAnnotations;

namespace OrleansInference.Api.Grpc;

/// <summary>The KServe v2 gRPC endpoint (configuration section <c>Grpc</c>).</summary>
public sealed class GrpcOptions
{
    /// <summary>The configuration section these options bind to.</summary>
    public const string SectionName = "Grpc";

    /// <summary>
    /// Where gRPC listens: an <c>http://host:port</c> URL served as cleartext HTTP/2 (h2c, prior knowledge), separate
    /// from the REST port because cleartext HTTP/1.1 and HTTP/2 cannot share one. Empty disables gRPC.
    /// Default <c>http://127.0.0.1:8081</c>.
    /// </summary>
    public string? Url { get; set; } = "http://127.0.0.1:8081";

    /// <summary>The largest request message accepted, in bytes. Default 64 MiB.</summary>
    [Range(1024, int.MaxValue)]
    public int MaxReceiveMessageBytes { get; set; } = 64 * 1024 * 1024;
}
