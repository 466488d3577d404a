using OrleansInference.Api.Tests.Infrastructure;

namespace OrleansInference.Api.Tests.Batch;

/// <summary>
/// One API server with batch jobs configured for tests: private data, output and state folders, 127.0.0.1 webhooks
/// allowed and fast retries, an error budget of 20 %.
/// </summary>
public sealed class BatchServerFixture : IAsyncLifetime
{
    public const string Secret = "test-webhook-secret-0123456789";

    private ApiServer? _server;

    public ApiServer Server => _server ?? throw new InvalidOperationException("The server is not started.");

    public HttpClient Client => Server.Client;

    public string Root { get; } = Path.Combine(Path.GetTempPath(), "oi-batch-" + Guid.NewGuid().ToString("N"));

    public string DataRoot => Path.Combine(Root, "data");

    public string OutputRoot => Path.Combine(Root, "output");

    public static Dictionary<string, string> Settings(string root, bool allowPrivate = true) => new()
    {
        ["BatchJobs:DataRoot"] = Path.Combine(root, "data"),
        ["BatchJobs:OutputRoot"] = Path.Combine(root, "output"),
        ["BatchJobs:StateRoot"] = Path.Combine(root, "state"),
        ["BatchJobs:WebhookSecret"] = Secret,
        ["BatchJobs:AllowPrivateCallbackAddresses"] = allowPrivate ? "true" : "false",
        ["BatchJobs:WebhookInitialBackoff"] = "00:00:00.050",
        ["BatchJobs:MaxErrorsFraction"] = "0.2",
    };

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(DataRoot);
        _server = await ApiServer.StartAsync(settings: Settings(Root));
    }

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
