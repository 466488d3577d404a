namespace OrleansInference.Client.Tests.Infrastructure;

/// <summary>One grid server process shared by the tests of a class.</summary>
public sealed class GridServerFixture : IAsyncLifetime
{
    private GridServerProcess? _server;

    /// <summary>The server's gateway port on 127.0.0.1.</summary>
    public int GatewayPort => Server.GatewayPort;

    /// <summary>What the server wrote last, for failure messages.</summary>
    public string Output => Server.Output;

    private GridServerProcess Server => _server ?? throw new InvalidOperationException("The server is not started.");

    public async Task InitializeAsync() => _server = await GridServerProcess.StartAsync();

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}
