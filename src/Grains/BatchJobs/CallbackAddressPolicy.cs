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

    /// <summary>
    /// True for globally routable unicast addresses. IPv6 must be global unicast (2000::/3) outside the special ranges;
    /// every IPv6 spelling that embeds an IPv4 address (mapped <c>::ffff:a.b.c.d</c>, translated <c>::ffff:0:a.b.c.d</c>,
    /// compatible <c>::a.b.c.d</c>, NAT64 <c>64:ff9b::/96</c>, 6to4, Teredo) is refused outright or judged by its IPv4
    /// address, so no spelling of 127.0.0.1 or 10.0.0.1 passes.
    /// </summary>
    public static bool IsPublic(IPAddress address)
    {
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            return IsPublicV4(address.GetAddressBytes());
        }

        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return false;
        }

        var b = address.GetAddressBytes();
        if (IsZero(b, 0, 10) && b[10] == 0xFF && b[11] == 0xFF)
        {
            // ::ffff:0:0/96, IPv4-mapped.
            return IsPublicV4(b.AsSpan(12, 4));
        }

        // Everything else outside 2000::/3 (::/96 IPv4-compatible, ::ffff:0:0:0/96 translated, 64:ff9b::/96 and
        // 64:ff9b:1::/48 NAT64, 100::/64 discard, fc00::/7 unique local, fe80::/10 link-local, fec0::/10 site-local,
        // ff00::/8 multicast, ::, ::1) is not global unicast.
        if ((b[0] & 0xE0) != 0x20)
        {
            return false;
        }

        foreach (var (prefix, bits) in RefusedV6)
        {
            if (InPrefix(b, prefix, bits))
            {
                return false;
            }
        }

        return true;
    }

    // Special-purpose IPv4 ranges (IANA registry and RFC 6890): this network, private, CGNAT, loopback, link-local,
    // IETF protocol assignments, documentation, 6to4 relay, benchmarking, multicast, reserved and broadcast.
    private static readonly (byte[] Prefix, int Bits)[] RefusedV4 =
    [
        ([0, 0, 0, 0], 8),
        ([10, 0, 0, 0], 8),
        ([100, 64, 0, 0], 10),
        ([127, 0, 0, 0], 8),
        ([169, 254, 0, 0], 16),
        ([172, 16, 0, 0], 12),
        ([192, 0, 0, 0], 24),
        ([192, 0, 2, 0], 24),
        ([192, 88, 99, 0], 24),
        ([192, 168, 0, 0], 16),
        ([198, 18, 0, 0], 15),
        ([198, 51, 100, 0], 24),
        ([203, 0, 113, 0], 24),
        ([224, 0, 0, 0], 4),
        ([240, 0, 0, 0], 4),
    ];

    // Special-purpose ranges inside 2000::/3: IETF protocol assignments (including Teredo 2001::/32 and ORCHID),
    // documentation, 6to4 (embeds an IPv4 address) and the newer documentation prefix.
    private static readonly (byte[] Prefix, int Bits)[] RefusedV6 =
    [
        ([0x20, 0x01, 0x00, 0x00], 23),
        ([0x20, 0x01, 0x0d, 0xb8], 32),
        ([0x20, 0x02], 16),
        ([0x3f, 0xff], 20),
    ];

    private static bool IsPublicV4(ReadOnlySpan<byte> b)
    {
        foreach (var (prefix, bits) in RefusedV4)
        {
            if (InPrefix(b, prefix, bits))
            {
                return false;
            }
        }

        return true;
    }

    private static bool InPrefix(ReadOnlySpan<byte> address, byte[] prefix, int bits)
    {
        for (var i = 0; bits > 0; i++, bits -= 8)
        {
            var mask = bits >= 8 ? 0xFF : (byte)(0xFF << (8 - bits));
            var want = i < prefix.Length ? prefix[i] : 0;
            if ((address[i] & mask) != (want & mask))
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsZero(byte[] bytes, int start, int count) => bytes.AsSpan(start, count).IndexOfAnyExcept((byte)0) < 0;

    private static bool Matches(string pattern, string host) =>
        pattern.StartsWith("*.", StringComparison.Ordinal)
            ? host.EndsWith(pattern[1..], StringComparison.OrdinalIgnoreCase)
            : string.Equals(pattern, host, StringComparison.OrdinalIgnoreCase);
}
