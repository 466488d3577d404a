using System.Globalization;
using OrleansInference.Client.Tests.Infrastructure;

namespace OrleansInference.Client.Tests;

/// <summary>The built example against a real server process.</summary>
[Collection(GridServerCollection.Name)]
public sealed class ClientExampleTests(GridServerFixture server)
{
    private static readonly TimeSpan RunTimeout = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task Example_AgainstRunningServer_PrintsModelVersionLabelAndConfidence()
    {
        var run = await ExampleProcess.RunAsync(["--gateway-port", server.GatewayPort.ToString(CultureInfo.InvariantCulture)], RunTimeout);

        Assert.True(run.ExitCode == 0, $"The example failed: {run}\nServer output:\n{server.Output}");
        Assert.Contains("Model:      breast-cancer", run.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("Version:    2", run.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("Label:      malignant", run.StandardOutput, StringComparison.Ordinal);
        Assert.Matches(@"Confidence: (0\.\d{4}|1\.0000)", run.StandardOutput);
    }
}
