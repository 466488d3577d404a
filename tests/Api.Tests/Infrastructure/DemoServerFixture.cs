namespace OrleansInference.Api.Tests.Infrastructure;

/// <summary>One server over the demo models and the test models, shared by a test class.</summary>
public sealed class DemoServerFixture : IAsyncLifetime
{
    private ApiServer? _server;

    public ApiServer Server => _server ?? throw new InvalidOperationException("The server is not started.");

    public HttpClient Client => Server.Client;

    public async Task InitializeAsync() => _server = await ApiServer.StartAsync(TestModels.WriteAll);

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}
