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
    public void IsPublic_refuses_loopback_link_local_private_and_shared_ranges(string address, bool expected) =>
        Assert.Equal(expected, CallbackAddressPolicy.IsPublic(IPAddress.Parse(address)));

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
