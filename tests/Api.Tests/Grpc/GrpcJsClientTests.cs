using OrleansInference.Api.Tests.Infrastructure;

namespace OrleansInference.Api.Tests.Grpc;

/// <summary>
/// <c>@grpc/grpc-js</c> from the npm registry (installed into <c>Grpc/node</c> by <c>npm ci</c>, as .ci/run does)
/// drives the service through node: metadata, inference, errors, an absurd shape, streaming, repository, statistics
/// and a deadline (client.js lists the cases).
/// </summary>
public sealed class GrpcJsClientTests(DemoServerFixture fixture) : IClassFixture<DemoServerFixture>
{
    [Fact]
    public async Task GrpcJsClient_PassesEveryCase()
    {
        var folder = Path.Combine(RepositoryPaths.Root, "tests", "Api.Tests", "Grpc", "node");
        Assert.True(Directory.Exists(Path.Combine(folder, "node_modules", "@grpc", "grpc-js")), $"Run 'npm ci --prefix {folder}' first (.ci/run does).");
        var grpc = fixture.Server.GrpcAddress;

        var (exitCode, output) = await ClientProcess.RunAsync(
            "node",
            [Path.Combine(folder, "client.js"), $"{grpc.Host}:{grpc.Port}", Path.Combine(RepositoryPaths.Root, "src", "Api", "Grpc", "Protos", "grpc_predict_v2.proto")],
            null,
            TimeSpan.FromMinutes(2));

        Assert.True(exitCode == 0, output);
        Assert.DoesNotContain("FAIL ", output, StringComparison.Ordinal);
    }
}
