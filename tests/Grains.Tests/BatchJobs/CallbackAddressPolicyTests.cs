using System.Net;
using Microsoft.Extensions.Options;
using OrleansInference.Grains.BatchJobs;

namespace OrleansInference.Grains.Tests.BatchJobs;

public sealed class CallbackAddressPolicyTests
{
    [Theory]
    [InlineData("127.0.0.1", false)]
    [InlineData("10.0.0.5", false)]
    [InlineData("172.16.4.4", false)]
    [InlineData("172.32.0.1", true)]
    [InlineData("192.168.1.1", false)]
    [InlineData("169.254.169.254", false)]
    [InlineData("100.64.0.1", false)]
    [InlineData("0.0.0.0", false)]
    [InlineData("224.0.0.1", false)]
    [InlineData("8.8.8.8", true)]
    [InlineData("::1", false)]
    [InlineData("fe80::1", false)]
    [InlineData("fd00::1", false)]
    [InlineData("::ffff:10.0.0.1", false)]
    [InlineData("2001:4860:4860::8888", true)]
    [InlineData("198.18.0.1", false)]
    [InlineData("198.19.255.254", false)]
    [InlineData("198.20.0.1", true)]
    [InlineData("192.0.0.8", false)]
    [InlineData("192.0.2.1", false)]
    [InlineData("198.51.100.7", false)]
    [InlineData("203.0.113.9", false)]
    [InlineData("100.127.255.254", false)]
    [InlineData("100.128.0.1", true)]
    [InlineData("0.1.2.3", false)]
    [InlineData("240.0.0.1", false)]
    [InlineData("255.255.255.255", false)]
    [InlineData("239.255.255.250", false)]
    [InlineData("127.255.0.1", false)]
    [InlineData("::", false)]
    [InlineData("::ffff:127.0.0.1", false)]
    [InlineData("::ffff:7f00:1", false)]
    [InlineData("::ffff:0:7f00:1", false)]
    [InlineData("::ffff:0:808:808", false)]
    [InlineData("::7f00:1", false)]
    [InlineData("::127.0.0.1", false)]
    [InlineData("::a00:1", false)]
    [InlineData("64:ff9b::7f00:1", false)]
    [InlineData("64:ff9b::a9fe:a9fe", false)]
    [InlineData("64:ff9b::808:808", false)]
    [InlineData("64:ff9b:1::1", false)]
    [InlineData("100::1", false)]
    [InlineData("fc00::1", false)]
    [InlineData("fdff:ffff::1", false)]
    [InlineData("fe80::1%1", false)]
    [InlineData("febf::1", false)]
    [InlineData("fec0::1", false)]
    [InlineData("ff02::1", false)]
    [InlineData("2001:db8::1", false)]
    [InlineData("2001::7f00:1", false)]
    [InlineData("2002:7f00:1::1", false)]
    [InlineData("2606:4700:4700::1111", true)]
    [InlineData("::ffff:8.8.8.8", true)]
    public void IsPublic_refuses_loopback_link_local_private_shared_and_reserved_ranges_in_every_spelling(string address, bool expected) =>
        Assert.Equal(expected, CallbackAddressPolicy.IsPublic(IPAddress.Parse(address)));

    [Theory]
    [InlineData("http://[::ffff:0:7f00:1]:8080/hook")]
    [InlineData("http://[::7f00:1]/hook")]
    [InlineData("http://[::ffff:127.0.0.1]/hook")]
    [InlineData("http://[64:ff9b::7f00:1]/hook")]
    [InlineData("http://[fe80::1]/hook")]
    [InlineData("http://[fd12:3456::1]/hook")]
    [InlineData("http://198.18.0.1/hook")]
    [InlineData("http://192.0.0.170/hook")]
    [InlineData("http://100.64.0.1/hook")]
    [InlineData("http://0.0.0.0/hook")]
    [InlineData("http://240.1.2.3/hook")]
    [InlineData("http://224.0.0.251/hook")]
    [InlineData("http://2130706433/hook")]
    [InlineData("http://0x7f.1/hook")]
    [InlineData("http://017700000001/hook")]
    [InlineData("http://127.1/hook")]
    [InlineData("http://localhost/hook")]
    public async Task CheckAsync_refuses_every_spelling_of_a_non_public_address(string url)
    {
        // Literal addresses (and localhost) are judged without sending anything anywhere.
        var strict = new CallbackAddressPolicy(Options.Create(new BatchJobOptions { WebhookSecret = "0123456789abcdef" }));

        var refused = await strict.CheckAsync(url, CancellationToken.None);

        Assert.NotNull(refused);
        Assert.Contains("AllowPrivateCallbackAddresses", refused, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SendAsync_never_connects_to_a_refused_address_even_spelled_as_mapped_IPv6()
    {
        // A listener on loopback that must see no connection: the sender refuses at connect time.
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var options = Options.Create(new BatchJobOptions
        {
            WebhookSecret = "0123456789abcdef", WebhookMaxAttempts = 1, WebhookTimeout = TimeSpan.FromSeconds(5),
        });
        using var sender = new BatchWebhookSender(options, new CallbackAddressPolicy(options), TimeProvider.System, Microsoft.Extensions.Logging.Abstractions.NullLogger<BatchWebhookSender>.Instance);

        foreach (var url in new[] { $"http://127.0.0.1:{port}/hook", $"http://localhost:{port}/hook" })
        {
            var letter = await sender.SendAsync("job", url, "{}"u8.ToArray(), CancellationToken.None);
            Assert.NotNull(letter);
            Assert.Contains("refused", letter.LastOutcome, StringComparison.Ordinal);
        }

        Assert.False(listener.Pending());
    }

    [Fact]
    public async Task CheckAsync_refuses_without_a_secret_bad_schemes_and_hosts_off_the_allow_list()
    {
        var noSecret = new CallbackAddressPolicy(Options.Create(new BatchJobOptions()));
        Assert.Contains("disabled", await noSecret.CheckAsync("http://8.8.8.8/", CancellationToken.None), StringComparison.Ordinal);

        var options = new BatchJobOptions { WebhookSecret = "0123456789abcdef" };
        options.AllowedCallbackHosts.Add("*.example.com");
        var policy = new CallbackAddressPolicy(Options.Create(options));
        Assert.Contains("http or https", await policy.CheckAsync("ftp://hooks.example.com/", CancellationToken.None), StringComparison.Ordinal);
        Assert.Contains("allow-list", await policy.CheckAsync("http://8.8.8.8/", CancellationToken.None), StringComparison.Ordinal);
        Assert.Contains("credentials", await policy.CheckAsync("http://u:p@a.example.com/", CancellationToken.None), StringComparison.Ordinal);
    }

    [Fact]
    public async Task CheckAsync_allows_private_addresses_only_when_configured()
    {
        var strict = new CallbackAddressPolicy(Options.Create(new BatchJobOptions { WebhookSecret = "0123456789abcdef" }));
        var relaxed = new CallbackAddressPolicy(Options.Create(new BatchJobOptions { WebhookSecret = "0123456789abcdef", AllowPrivateCallbackAddresses = true }));

        Assert.Contains("private", await strict.CheckAsync("http://127.0.0.1:8080/hook", CancellationToken.None), StringComparison.Ordinal);
        Assert.Null(await relaxed.CheckAsync("http://127.0.0.1:8080/hook", CancellationToken.None));
    }

    [Fact]
    public void Sign_is_the_hex_hmac_sha256_of_the_body()
    {
        // RFC 4231 test case 2.
        var signature = BatchWebhookSender.Sign("what do ya want for nothing?"u8, "Jefe");

        Assert.Equal("sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843", signature);
    }
}
