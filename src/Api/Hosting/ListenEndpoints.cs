using System.Net;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using OrleansInference.Api.Grpc;

namespace OrleansInference.Api.Hosting;

/// <summary>
/// Binds Kestrel: every entry of <c>--urls</c> (or <c>Api:Urls</c>) as HTTP/1.1 (cleartext HTTP/2 needs a port of its own), plus the gRPC URL (<c>Grpc:Url</c>) as HTTP/2 only. The embedded
/// default binds to 127.0.0.1. TLS is terminated in front of the server (ingress, proxy), so only <c>http://</c> URLs
/// are accepted; anything else stops start-up with a message naming the key.
/// </summary>
internal static class ListenEndpoints
{
    public const string DefaultUrls = "http://127.0.0.1:8080";

    /// <summary>Binds the endpoints; returns every address bound, for the exposure check at start-up.</summary>
    public static IReadOnlyList<IPEndPoint> Configure(WebApplicationBuilder builder, GrpcEndpoint grpcEndpoint)
    {
        // The standard --urls / ASPNETCORE_URLS wins over Api:Urls (appsettings.json).
        var urls = builder.Configuration["urls"];
        if (string.IsNullOrWhiteSpace(urls))
        {
            urls = builder.Configuration["Api:Urls"];
        }

        if (string.IsNullOrWhiteSpace(urls))
        {
            urls = DefaultUrls;
        }

        var grpcUrl = builder.Configuration.GetSection(GrpcOptions.SectionName)[nameof(GrpcOptions.Url)] ?? new GrpcOptions().Url;
        var rest = urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(u => Parse(u, "Urls")).ToArray();
        var grpc = string.IsNullOrWhiteSpace(grpcUrl) ? (IPEndPoint?)null : Parse(grpcUrl, "Grpc:Url");

        // The endpoints below replace --urls; clearing it keeps Kestrel from warning that they override it.
        builder.WebHost.UseSetting(WebHostDefaults.ServerUrlsKey, string.Empty);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            foreach (var endpoint in rest)
            {
                kestrel.Listen(endpoint, listen => listen.Protocols = HttpProtocols.Http1);
            }

            if (grpc is not null)
            {
                kestrel.Listen(grpc, listen =>
                {
                    listen.Protocols = HttpProtocols.Http2;
                    grpcEndpoint.Listener = listen;
                });
            }
        });
        return grpc is null ? rest : [.. rest, grpc];
    }

    internal static IPEndPoint Parse(string url, string key)
    {
        var normalized = url.Replace("://*:", "://0.0.0.0:", StringComparison.Ordinal).Replace("://+:", "://0.0.0.0:", StringComparison.Ordinal);
        if (!Uri.TryCreate(normalized, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttp || uri.AbsolutePath != "/")
        {
            throw new InvalidOperationException(
                $"{key} entry '{url}' is not valid: expected http://host:port (for example http://127.0.0.1:8080); terminate TLS in front of the server.");
        }

        IPAddress address;
        if (string.Equals(uri.Host, "localhost", StringComparison.OrdinalIgnoreCase))
        {
            address = IPAddress.Loopback;
        }
        else if (!IPAddress.TryParse(uri.Host.Trim('[', ']'), out address!))
        {
            throw new InvalidOperationException($"{key} entry '{url}' names host '{uri.Host}'; expected an IP address, localhost, * or +.");
        }

        return new IPEndPoint(address, uri.Port);
    }
}
