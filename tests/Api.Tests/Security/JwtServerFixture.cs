using System.Security.Cryptography;
using System.Text;
using OrleansInference.Api.Tests.Infrastructure;

namespace OrleansInference.Api.Tests.Security;

/// <summary>One server trusting the tokens of <see cref="JwtTokens"/> and one admin API key beside them.</summary>
public sealed class JwtServerFixture : IAsyncLifetime
{
    /// <summary>The secret of the admin API key configured beside the tokens.</summary>
    public const string AdminKeySecret = "jwt-fixture-admin-key-4d2a";

    private ApiServer? _server;

    internal JwtTokens Tokens { get; } = new();

    public ApiServer Server => _server ?? throw new InvalidOperationException("The server is not started.");

    public async Task InitializeAsync()
    {
        var settings = Tokens.Settings();
        settings["Auth:Keys:0:Name"] = "ops";
        settings["Auth:Keys:0:Sha256"] = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(AdminKeySecret)));
        settings["Auth:Keys:0:Role"] = "admin";
        _server = await ApiServer.StartAsync(settings: settings);
    }

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        Tokens.Dispose();
    }
}
