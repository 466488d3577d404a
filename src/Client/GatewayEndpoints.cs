using System.Globalization;
using System.Net;

namespace OrleansInference.Client;

/// <summary>Parses and resolves the gateway endpoints that <see cref="InferenceClientOptions"/> names.</summary>
internal static class GatewayEndpoints
{
    /// <summary>Splits <c>host:port</c>, <c>a.b.c.d:port</c> or <c>[v6]:port</c>; false when it is none of these.</summary>
    public static bool TryParse(string? text, out string host, out int port)
    {
        host = "";
        port = 0;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var colon = text.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(text.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out port) || port is < 1 or > 65535)
        {
            return false;
        }

        var name = text[..colon];
        if (name.StartsWith('[') && name.EndsWith(']'))
        {
            name = name[1..^1];
            if (!IPAddress.TryParse(name, out var v6) || v6.AddressFamily != System.Net.Sockets.AddressFamily.InterNetworkV6)
            {
                return false;
            }
        }
        else if (name.Contains(':', StringComparison.Ordinal) || Uri.CheckHostName(name) == UriHostNameType.Unknown)
        {
            return false;
        }

        host = name;
        return true;
    }

    /// <summary>
    /// The endpoints to connect to: <see cref="InferenceClientOptions.Gateways"/> (host names resolved now), else
    /// <see cref="InferenceClientOptions.GatewayPorts"/> on 127.0.0.1, else 127.0.0.1:30000. Options are validated first.
    /// </summary>
    public static IReadOnlyList<IPEndPoint> Resolve(InferenceClientOptions options)
    {
        if (options.Gateways is { Length: > 0 } gateways)
        {
            var endpoints = new List<IPEndPoint>(gateways.Length);
            foreach (var gateway in gateways)
            {
                if (!TryParse(gateway, out var host, out var port))
                {
                    throw new InvalidOperationException($"{InferenceClientOptions.SectionName}:Gateways contains '{gateway}', which is not host:port.");
                }

                endpoints.Add(new IPEndPoint(ResolveHost(host), port));
            }

            return endpoints;
        }

        var ports = options.GatewayPorts is { Length: > 0 } configured ? configured : [InferenceClientOptions.DefaultGatewayPort];
        return [.. ports.Select(static p => new IPEndPoint(IPAddress.Loopback, p))];
    }

    /// <summary>A readable list of endpoints for messages: <c>127.0.0.1:30000, 127.0.0.1:30001</c>.</summary>
    public static string Describe(IEnumerable<IPEndPoint> endpoints) => string.Join(", ", endpoints);

    private static IPAddress ResolveHost(string host)
    {
        if (IPAddress.TryParse(host, out var address))
        {
            return address;
        }

        IPAddress[] addresses;
        try
        {
            addresses = Dns.GetHostAddresses(host);
        }
        catch (System.Net.Sockets.SocketException e)
        {
            throw new InvalidOperationException($"{InferenceClientOptions.SectionName}:Gateways names host '{host}', which does not resolve: {e.Message}", e);
        }

        return addresses.FirstOrDefault(static a => a.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork)
            ?? addresses.FirstOrDefault()
            ?? throw new InvalidOperationException($"{InferenceClientOptions.SectionName}:Gateways names host '{host}', which has no address.");
    }
}
