using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Options;

namespace OrleansInference.Grains.BatchJobs;

/// <summary>
/// Decides where webhooks may go: http(s) only, a host on <see cref="BatchJobOptions.AllowedCallbackHosts"/> when that
/// list is set, and never a loopback, link-local, private, shared or multicast address unless
/// <see cref="BatchJobOptions.AllowPrivateCallbackAddresses"/>. Checked at submission and again on every connection
/// (a name that later resolves to a private address is still refused).
/// </summary>
public sealed class CallbackAddressPolicy(IOptions<BatchJobOptions> options)
{
    private readonly BatchJobOptions _options = options.Value;

    /// <summary>Checks the URL and the addresses its host resolves to; null when allowed, otherwise why not.</summary>
    public async Task<string?> CheckAsync(string url, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(_options.WebhookSecret))
        {
            return "Webhooks are disabled on this server (BatchJobs:WebhookSecret is not set); submit without 'callback_url'.";
        }

        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            return $"'callback_url' '{url}' is not an absolute http or https URL.";
        }

        if (!string.IsNullOrEmpty(uri.UserInfo))
        {
            return $"'callback_url' must not carry credentials.";
        }

        var host = uri.IdnHost;
        if (_options.AllowedCallbackHosts.Count > 0 && !_options.AllowedCallbackHosts.Any(pattern => Matches(pattern, host)))
        {
            return $"Callback host '{host}' is not on the allow-list (BatchJobs:AllowedCallbackHosts).";
        }

        IPAddress[] addresses;
        try
        {
            addresses = IPAddress.TryParse(host, out var literal) ? [literal] : await Dns.GetHostAddressesAsync(host, cancellationToken);
        }
        catch (SocketException ex)
        {
            return $"Callback host '{host}' does not resolve: {ex.Message}";
        }

        var refused = addresses.FirstOrDefault(a => !IsAllowed(a));
        return refused is null
            ? null
            : $"Callback host '{host}' resolves to {refused}, a loopback, link-local or private address; such callbacks are refused unless BatchJobs:AllowPrivateCallbackAddresses is true.";
    }

    /// <summary>True when a connection to <paramref name="address"/> is allowed.</summary>
    public bool IsAllowed(IPAddress address) => _options.AllowPrivateCallbackAddresses || IsPublic(address);

    /// <summary>True for globally routable unicast addresses.</summary>
    public static bool IsPublic(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (IPAddress.IsLoopback(address) || address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any) || address.Equals(IPAddress.Broadcast))
        {
            return false;
        }

        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            var b = address.GetAddressBytes();
            return !(b[0] == 0 || b[0] == 10 || b[0] == 127 || b[0] >= 224 ||
                     (b[0] == 172 && b[1] >= 16 && b[1] <= 31) ||
                     (b[0] == 192 && b[1] == 168) ||
                     (b[0] == 169 && b[1] == 254) ||
                     (b[0] == 100 && b[1] >= 64 && b[1] <= 127));
        }

        var v6 = address.GetAddressBytes();
        return !(address.IsIPv6LinkLocal || address.IsIPv6SiteLocal || address.IsIPv6Multicast || (v6[0] & 0xFE) == 0xFC);
    }

    private static bool Matches(string pattern, string host) =>
        pattern.StartsWith("*.", StringComparison.Ordinal)
            ? host.EndsWith(pattern[1..], StringComparison.OrdinalIgnoreCase)
            : string.Equals(pattern, host, StringComparison.OrdinalIgnoreCase);
}
