using System.Net;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json.Nodes;
using Google.Protobuf;
using OrleansInference.Api.Grpc.Protocol;
using OrleansInference.Api.Tests.Infrastructure;

namespace OrleansInference.Api.Tests.EndToEnd;

/// <summary>The KServe v2 gRPC service over real HTTP/2 (cleartext, prior knowledge) on 127.0.0.1.</summary>
public sealed class GrpcEndToEndTests(DemoServerFixture fixture) : IClassFixture<DemoServerFixture>, IDisposable
{
    private readonly GrpcTestClient _grpc = new(fixture.Server.GrpcAddress);

    public void Dispose() => _grpc.Dispose();

    [Fact]
    public async Task HealthAndMetadata_AnswerLikeTheRestProtocol()
    {
        var live = await _grpc.CallAsync("ServerLive", new ServerLiveRequest(), ServerLiveResponse.Parser);
        var ready = await _grpc.CallAsync("ServerReady", new ServerReadyRequest(), ServerReadyResponse.Parser);
        var server = await _grpc.CallAsync("ServerMetadata", new ServerMetadataRequest(), ServerMetadataResponse.Parser);
        var model = await _grpc.CallAsync("ModelMetadata", new ModelMetadataRequest { Name = "breast-cancer" }, ModelMetadataResponse.Parser);
        var modelReady = await _grpc.CallAsync("ModelReady", new ModelReadyRequest { Name = "iris", Version = "1" }, ModelReadyResponse.Parser);

        Assert.True(live.Response!.Live);
        Assert.True(ready.Response!.Ready);
        Assert.Equal("orleans-inference", server.Response!.Name);
        Assert.Equal(["1", "2"], model.Response!.Versions);
        Assert.Equal("features", model.Response.Inputs[0].Name);
        Assert.Equal([-1L, 30L], model.Response.Inputs[0].Shape);
        Assert.True(modelReady.Response!.Ready);
    }

    [Fact]
    public async Task ModelInfer_TypedContents_MatchesTheRestAnswer()
    {
        float[] row = [-0.9f, 1.0f, -1.3f, -1.3f];
        var request = new ModelInferRequest { ModelName = "iris", Id = "grpc-1" };
        var input = new ModelInferRequest.Types.InferInputTensor { Name = "features", Datatype = "FP32", Shape = { 1, 4 }, Contents = new InferTensorContents() };
        input.Contents.Fp32Contents.Add(row);
        request.Inputs.Add(input);

        var (status, message, response) = await _grpc.CallAsync("ModelInfer", request, ModelInferResponse.Parser);

        Assert.True(status == 0, message);
        Assert.Equal("grpc-1", response!.Id);
        Assert.Equal("1", response.ModelVersion);
        Assert.Equal("probabilities", response.Outputs[0].Name);
        Assert.Equal([1L, 3L], response.Outputs[0].Shape);
        var probabilities = MemoryMarshal.Cast<byte, float>(response.RawOutputContents[0].Span).ToArray();

        var rest = JsonNode.Parse(await (await fixture.Client.PostAsync("v2/models/iris/infer", new StringContent(
            """{"inputs": [{"name": "features", "shape": [1, 4], "datatype": "FP32", "data": [-0.9, 1.0, -1.3, -1.3]}]}""", Encoding.UTF8, "application/json")))
            .Content.ReadAsStringAsync())!;
        Assert.Equal(rest["outputs"]![0]!["data"]!.AsArray().Select(v => (float)v!), probabilities);
    }

    [Theory]
    [InlineData("INT8")]
    [InlineData("UINT16")]
    [InlineData("FP16")]
    [InlineData("BF16")]
    [InlineData("FP64")]
    [InlineData("BOOL")]
    public async Task ModelInfer_RawContents_RoundTripThroughTheIdentityModel(string datatype)
    {
        var size = datatype switch { "INT8" or "BOOL" => 1, "UINT16" or "FP16" or "BF16" => 2, _ => 8 };
        var raw = new byte[6 * size];
        for (var i = 0; i < raw.Length; i++)
        {
            raw[i] = datatype == "BOOL" ? (byte)(i % 2) : (byte)(i * 7 + 1);
        }

        var request = new ModelInferRequest { ModelName = TestModels.IdentityName(datatype) };
        request.Inputs.Add(new ModelInferRequest.Types.InferInputTensor { Name = "x", Datatype = datatype, Shape = { 2, 3 } });
        request.RawInputContents.Add(ByteString.CopyFrom(raw));

        var (status, message, response) = await _grpc.CallAsync("ModelInfer", request, ModelInferResponse.Parser);

        Assert.True(status == 0, message);
        Assert.Equal(datatype, response!.Outputs[0].Datatype);
        Assert.Equal(raw, response.RawOutputContents[0].ToByteArray());
    }

    [Fact]
    public async Task ModelInfer_Strings_RoundTripAsLengthPrefixedRawBytes()
    {
        var request = new ModelInferRequest { ModelName = "identity-bytes" };
        var input = new ModelInferRequest.Types.InferInputTensor { Name = "x", Datatype = "BYTES", Shape = { 1, 3 }, Contents = new InferTensorContents() };
        input.Contents.BytesContents.Add([ByteString.CopyFromUtf8("a"), ByteString.CopyFromUtf8(""), ByteString.CopyFromUtf8("héllo")]);
        request.Inputs.Add(input);

        var (status, message, response) = await _grpc.CallAsync("ModelInfer", request, ModelInferResponse.Parser);

        Assert.True(status == 0, message);
        var helloLength = Encoding.UTF8.GetByteCount("héllo");
        byte[] expected = [1, 0, 0, 0, (byte)'a', 0, 0, 0, 0, (byte)helloLength, 0, 0, 0, .. Encoding.UTF8.GetBytes("héllo")];
        Assert.Equal(expected, response!.RawOutputContents[0].ToByteArray());
    }

    [Theory]
    [InlineData("nope", "FP32", 4, 5, "'nope'")]
    [InlineData("iris", "FP32", 3, 3, "[N,4]")]
    [InlineData("iris", "FP32", 4, 3, "fp32_contents")]
    [InlineData("iris", "FP99", 4, 4, "FP99")]
    [InlineData("iris", "INT32", 4, 4, "FP32")]
    public async Task ModelInfer_BadRequest_EndsWithAStatusNamingTheProblem(string model, string datatype, int columns, int values, string mentioned)
    {
        var request = new ModelInferRequest { ModelName = model };
        var input = new ModelInferRequest.Types.InferInputTensor { Name = "features", Datatype = datatype, Shape = { 1, columns }, Contents = new InferTensorContents() };
        input.Contents.Fp32Contents.Add(Enumerable.Repeat(1f, values));
        input.Contents.IntContents.Add(Enumerable.Repeat(1, values));
        request.Inputs.Add(input);

        var (status, message, response) = await _grpc.CallAsync("ModelInfer", request, ModelInferResponse.Parser);

        Assert.Null(response);
        Assert.Equal(model == "nope" ? 5 : 3, status);
        Assert.Contains(mentioned, message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownMethod_IsUnimplemented_AndHttp1IsRefused()
    {
        var (status, _, _) = await _grpc.CallAsync("ModelStreamInfer", new ServerLiveRequest(), ServerLiveResponse.Parser);
        Assert.Equal(12, status);

        using var http1 = await fixture.Client.PostAsync("inference.GRPCInferenceService/ServerLive", new ByteArrayContent(new byte[5]));
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, http1.StatusCode);
    }
}
