using System.Security.Cryptography;
using System.Text;
using OrleansInference.Api.Tests.Infrastructure;

namespace OrleansInference.Api.Tests.Dashboard;

/// <summary>One server with API keys enforced (an admin key and an inference key), shared by a test class.</summary>
public sealed class KeyedServerFixture : IAsyncLifetime
{
    /// <summary>The secret of the key with the admin role.</summary>
    public const string AdminSecret = "dashboard-admin-5c1e";

    /// <summary>The secret of the key with the inference role.</summary>
    public const string InferenceSecret = "dashboard-app-93d0";

    private ApiServer? _server;

    public ApiServer Server => _server ?? throw new InvalidOperationException("The server is not started.");

    public async Task InitializeAsync() => _server = await ApiServer.StartAsync(settings: new Dictionary<string, string>
    {
        ["Auth:Enabled"] = "true",
        ["Auth:Keys:0:Name"] = "ops",
        ["Auth:Keys:0:Sha256"] = Hash(AdminSecret),
        ["Auth:Keys:0:Role"] = "admin",
        ["Auth:Keys:1:Name"] = "app",
        ["Auth:Keys:1:Sha256"] = Hash(InferenceSecret),
        ["Auth:Keys:1:Role"] = "inference",
    });

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    private static string Hash(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));
}
