using OrleansInference.Client.Tests.Infrastructure;

namespace OrleansInference.Client.Tests;

/// <summary>The built example where it cannot predict: nothing listens on the gateway port, or the port is malformed.</summary>
public sealed class ClientExampleFailureTests
{
    private static readonly TimeSpan RunTimeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Example_NoGatewayListening_ExitsWithOneAndSaysItCouldNotConnect()
    {
        var port = LoopbackPorts.Free(1)[0];

        var run = await ExampleProcess.RunAsync(
            [$"--gateway-port={port}", "--InferenceClient:ConnectTimeout=00:00:02", "--InferenceClient:ConnectRetryDelay=00:00:00.200"], RunTimeout);

        Assert.True(run.ExitCode == 1, $"Expected exit code 1 (could not connect): {run}");
        Assert.Contains($"Could not connect to the inference grid at 127.0.0.1:{port} within 2 s", run.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Example_BadGatewayPort_ExitsWithTwoAndNamesTheArgument()
    {
        var run = await ExampleProcess.RunAsync(["--gateway-port", "70000"], RunTimeout);

        Assert.True(run.ExitCode == 2, $"Expected exit code 2 (bad argument): {run}");
        Assert.Contains("--gateway-port is '70000'", run.StandardError, StringComparison.Ordinal);
    }
}
