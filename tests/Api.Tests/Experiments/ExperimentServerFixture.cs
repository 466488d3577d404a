using OrleansInference.Api.Tests.Infrastructure;

namespace OrleansInference.Api.Tests.Experiments;

/// <summary>One server over the demo models and the experiment test models, with a fast ramp check.</summary>
public sealed class ExperimentServerFixture : IAsyncLifetime
{
    private ApiServer? _server;

    public static IReadOnlyDictionary<string, string> Settings { get; } = new Dictionary<string, string>
    {
        ["Experiments:RampCheckIntervalMs"] = "100",
    };

    public ApiServer Server => _server ?? throw new InvalidOperationException("The server is not started.");

    public HttpClient Client => Server.Client;

    public async Task InitializeAsync() => _server = await ApiServer.StartAsync(ExperimentTestModels.WriteAll, Settings);

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}
