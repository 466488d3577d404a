using System.Security.Cryptography;
using System.Text;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client;
using OrleansInference.Api.Grpc.Protocol;
using OrleansInference.Api.Tests.Infrastructure;

namespace OrleansInference.Api.Tests.Grpc;

/// <summary>A server with API keys and a 64 KiB gRPC message limit: gRPC calls pass the same access control as REST.</summary>
public sealed class GrpcAccessAndLimitsTests(GrpcAccessAndLimitsTests.KeyedGrpcServer fixture) : IClassFixture<GrpcAccessAndLimitsTests.KeyedGrpcServer>, IDisposable
{
    private const string AdminSecret = "grpc-admin-7d21";
    private const string InferenceSecret = "grpc-app-40be";

    private readonly GrpcChannel _channel = GrpcChannel.ForAddress(fixture.Server.GrpcAddress);

    private GRPCInferenceService.GRPCInferenceServiceClient Client => new(_channel);

    public void Dispose() => _channel.Dispose();

    [Fact]
    public async Task WithoutAKey_InferenceIsUnauthenticated_ButHealthAnswers()
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => Client.ServerMetadataAsync(new ServerMetadataRequest(), deadline: Deadline()).ResponseAsync);
        var live = await Client.ServerLiveAsync(new ServerLiveRequest(), deadline: Deadline());
        var health = await new global::Grpc.Health.V1.Health.HealthClient(_channel).CheckAsync(new HealthCheckRequest(), deadline: Deadline());

        Assert.Equal(StatusCode.Unauthenticated, error.StatusCode);
        Assert.Contains("API key", error.Status.Detail, StringComparison.Ordinal);
        Assert.True(live.Live);
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, health.Status);
    }

    [Fact]
    public async Task RepositoryLoad_NeedsTheAdminRole()
    {
        var request = new RepositoryModelLoadRequest { ModelName = "iris" };

        var denied = await Assert.ThrowsAsync<RpcException>(() => Client.RepositoryModelLoadAsync(request, Key(InferenceSecret), Deadline()).ResponseAsync);
        await Client.RepositoryModelLoadAsync(request, Key(AdminSecret), Deadline());
        var metadata = await Client.ServerMetadataAsync(new ServerMetadataRequest(), Key(InferenceSecret), Deadline());

        Assert.Equal(StatusCode.PermissionDenied, denied.StatusCode);
        Assert.Contains("'app'", denied.Status.Detail, StringComparison.Ordinal);
        Assert.Equal("orleans-inference", metadata.Name);
    }

    [Fact]
    public async Task AMessageOverTheLimit_IsResourceExhausted()
    {
        var request = new ModelInferRequest { ModelName = "iris" };
        request.Inputs.Add(new ModelInferRequest.Types.InferInputTensor { Name = "features", Datatype = "FP32", Shape = { 8192, 4 } });
        request.RawInputContents.Add(ByteString.CopyFrom(new byte[8192 * 4 * 4]));

        var error = await Assert.ThrowsAsync<RpcException>(() => Client.ModelInferAsync(request, Key(InferenceSecret), Deadline()).ResponseAsync);

        Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);
    }

    private static Metadata Key(string secret) => new() { { "authorization", "Bearer " + secret } };

    private static DateTime Deadline() => DateTime.UtcNow.AddSeconds(60);

    /// <summary>The keyed server of this class.</summary>
    public sealed class KeyedGrpcServer : IAsyncLifetime
    {
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
            ["Grpc:MaxReceiveMessageBytes"] = "65536",
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
}
