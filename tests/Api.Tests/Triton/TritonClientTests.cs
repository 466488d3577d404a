using OrleansInference.Api.Tests.Infrastructure;

namespace OrleansInference.Api.Tests.Triton;

/// <summary>
/// NVIDIA's Triton Python client (vendored in <c>Triton/vendor</c>, or <c>TRITONCLIENT_PATH</c>; run by Debian's python3, or <c>TRITONCLIENT_PYTHON</c>;
/// its Debian dependencies are installed by .ci/run) drives the server over HTTP and gRPC: metadata, readiness,
/// inference (JSON, binary data, compression), classification, streaming, repository, statistics and errors
/// (triton_client_suite.py lists the cases).
/// </summary>
public sealed class TritonClientTests(DemoServerFixture fixture) : IClassFixture<DemoServerFixture>
{
    [Fact]
    public async Task TritonClientSuite_PassesEveryCaseOnBothProtocols()
    {
        var clientPath = Environment.GetEnvironmentVariable("TRITONCLIENT_PATH")
            ?? Path.Combine(RepositoryPaths.Root, "tests", "Api.Tests", "Triton", "vendor");
        Assert.True(Directory.Exists(Path.Combine(clientPath, "tritonclient")), $"Triton's client is not at {clientPath}; set TRITONCLIENT_PATH.");
        var http = fixture.Server.Address;
        var grpc = fixture.Server.GrpcAddress;

        // Debian's python3 carries the client's dependencies (python3-grpcio, ...); another python3 on PATH may not.
        var python = Environment.GetEnvironmentVariable("TRITONCLIENT_PYTHON") ?? (File.Exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3");
        var (exitCode, output) = await ClientProcess.RunAsync(
            python,
            [Path.Combine(RepositoryPaths.Root, "tests", "Api.Tests", "Triton", "triton_client_suite.py"), $"{http.Host}:{http.Port}", $"{grpc.Host}:{grpc.Port}"],
            new Dictionary<string, string> { ["PYTHONPATH"] = clientPath },
            TimeSpan.FromMinutes(3));

        Assert.True(exitCode == 0, output);
        Assert.DoesNotContain("FAIL ", output, StringComparison.Ordinal);
        Assert.Contains(" cases passed", output, StringComparison.Ordinal);
    }
}
