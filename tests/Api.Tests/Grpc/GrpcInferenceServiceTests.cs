using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json.Nodes;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client;
using Grpc.Reflection.V1Alpha;
using OrleansInference.Api.Grpc.Protocol;
using OrleansInference.Api.Tests.Infrastructure;

namespace OrleansInference.Api.Tests.Grpc;

/// <summary>Every rpc of the KServe v2 gRPC service, health and reflection, through Grpc.Net.Client on 127.0.0.1.</summary>
public sealed class GrpcInferenceServiceTests(DemoServerFixture fixture) : IClassFixture<DemoServerFixture>, IDisposable
{
    private static readonly TimeSpan CallLimit = TimeSpan.FromSeconds(60);

    private readonly GrpcChannel _channel = GrpcChannel.ForAddress(fixture.Server.GrpcAddress);

    private GRPCInferenceService.GRPCInferenceServiceClient Client => new(_channel);

    public void Dispose() => _channel.Dispose();

    [Fact]
    public async Task HealthAndMetadata_AnswerLikeTheRestProtocol()
    {
        var live = await Client.ServerLiveAsync(new ServerLiveRequest(), deadline: Deadline());
        var ready = await Client.ServerReadyAsync(new ServerReadyRequest(), deadline: Deadline());
        var server = await Client.ServerMetadataAsync(new ServerMetadataRequest(), deadline: Deadline());
        var model = await Client.ModelMetadataAsync(new ModelMetadataRequest { Name = "breast-cancer" }, deadline: Deadline());
        var modelReady = await Client.ModelReadyAsync(new ModelReadyRequest { Name = "iris", Version = "1" }, deadline: Deadline());

        Assert.True(live.Live);
        Assert.True(ready.Ready);
        Assert.Equal("orleans-inference", server.Name);
        var rest = JsonNode.Parse(await fixture.Client.GetStringAsync("v2"))!;
        Assert.Equal(rest["extensions"]!.AsArray().Select(e => (string)e!), server.Extensions);
        Assert.Equal(["binary_tensor_data", "classification", "model_repository", "statistics"], server.Extensions);
        Assert.Equal(["1", "2"], model.Versions);
        Assert.Equal("features", model.Inputs[0].Name);
        Assert.Equal([-1L, 30L], model.Inputs[0].Shape);
        Assert.True(modelReady.Ready);
        var missing = await Assert.ThrowsAsync<RpcException>(() => Client.ModelReadyAsync(new ModelReadyRequest { Name = "nope" }, deadline: Deadline()).ResponseAsync);
        Assert.Equal(StatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task StandardHealth_IsServing()
    {
        var health = new global::Grpc.Health.V1.Health.HealthClient(_channel);

        var response = await health.CheckAsync(new HealthCheckRequest(), deadline: Deadline());

        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, response.Status);
    }

    [Fact]
    public async Task Reflection_DescribesTheInferenceService_WithItsStreamingRpc()
    {
        var reflection = new ServerReflection.ServerReflectionClient(_channel);
        using var call = reflection.ServerReflectionInfo(deadline: Deadline());

        await call.RequestStream.WriteAsync(new ServerReflectionRequest { FileContainingSymbol = "inference.GRPCInferenceService" });
        Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None));
        var file = call.ResponseStream.Current.FileDescriptorResponse;
        await call.RequestStream.CompleteAsync();

        Assert.NotNull(file);
        var descriptor = Google.Protobuf.Reflection.FileDescriptorProto.Parser.ParseFrom(file.FileDescriptorProto[0]);
        Assert.Contains(descriptor.Service.Single().Method, m => m.Name == "ModelStreamInfer" && m.ClientStreaming && m.ServerStreaming);
        Assert.Contains(descriptor.Service.Single().Method, m => m.Name == "RepositoryModelLoad");
    }

    [Fact]
    public async Task Reflection_ListServices_NamesEveryService()
    {
        var reflection = new ServerReflection.ServerReflectionClient(_channel);
        using var call = reflection.ServerReflectionInfo(deadline: Deadline());

        await call.RequestStream.WriteAsync(new ServerReflectionRequest { ListServices = string.Empty });
        Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None));
        var names = call.ResponseStream.Current.ListServicesResponse.Service.Select(s => s.Name).ToArray();
        await call.RequestStream.CompleteAsync();

        Assert.Contains("inference.GRPCInferenceService", names);
        Assert.Contains("grpc.health.v1.Health", names);
    }

    [Fact]
    public async Task ModelInfer_TypedContents_MatchesTheRestAnswer()
    {
        var response = await Client.ModelInferAsync(IrisRequest("grpc-1"), deadline: Deadline());

        Assert.Equal("grpc-1", response.Id);
        Assert.Equal("1", response.ModelVersion);
        Assert.Equal("probabilities", response.Outputs[0].Name);
        Assert.Equal([1L, 3L], response.Outputs[0].Shape);
        var probabilities = MemoryMarshal.Cast<byte, float>(response.RawOutputContents[0].Span).ToArray();
        var rest = JsonNode.Parse(await (await fixture.Client.PostAsync("v2/models/iris/infer", new StringContent(
            """{"inputs": [{"name": "features", "shape": [1, 4], "datatype": "FP32", "data": [5.1, 3.5, 1.4, 0.2]}]}""", Encoding.UTF8, "application/json")))
            .Content.ReadAsStringAsync())!;
        Assert.Equal(rest["outputs"]![0]!["data"]!.AsArray().Select(v => (float)v!), probabilities);
    }

    [Fact]
    public async Task ModelInfer_Classification_ReturnsTopClassesWithLabels_AsRestDoes()
    {
        var request = IrisRequest("classes");
        request.Outputs.Add(new ModelInferRequest.Types.InferRequestedOutputTensor { Name = "probabilities", Parameters = { ["classification"] = new InferParameter { Int64Param = 2 } } });

        var response = await Client.ModelInferAsync(request, deadline: Deadline());

        Assert.Equal("BYTES", response.Outputs[0].Datatype);
        Assert.Equal([1L, 2L], response.Outputs[0].Shape);
        var classes = DecodeStrings(response.RawOutputContents[0].ToByteArray());
        string[] labels = ["setosa", "versicolor", "virginica"];
        var parts = classes.Select(c => c.Split(':')).ToArray();
        Assert.All(parts, p => Assert.Equal(labels[int.Parse(p[1], CultureInfo.InvariantCulture)], p[2]));
        Assert.True(double.Parse(parts[0][0], CultureInfo.InvariantCulture) >= double.Parse(parts[1][0], CultureInfo.InvariantCulture), string.Join(", ", classes));
        var rest = JsonNode.Parse(await (await fixture.Client.PostAsync("v2/models/iris/infer", new StringContent(
            """{"inputs": [{"name": "features", "shape": [1, 4], "datatype": "FP32", "data": [5.1, 3.5, 1.4, 0.2]}], "outputs": [{"name": "probabilities", "parameters": {"classification": 2}}]}""",
            Encoding.UTF8, "application/json"))).Content.ReadAsStringAsync())!;
        Assert.Equal(rest["outputs"]![0]!["data"]!.AsArray().Select(v => (string)v!), classes);
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
            raw[i] = datatype == "BOOL" ? (byte)(i % 2) : (byte)((i * 7) + 1);
        }

        var request = new ModelInferRequest { ModelName = TestModels.IdentityName(datatype) };
        request.Inputs.Add(new ModelInferRequest.Types.InferInputTensor { Name = "x", Datatype = datatype, Shape = { 2, 3 } });
        request.RawInputContents.Add(ByteString.CopyFrom(raw));

        var response = await Client.ModelInferAsync(request, deadline: Deadline());

        Assert.Equal(datatype, response.Outputs[0].Datatype);
        Assert.Equal(raw, response.RawOutputContents[0].ToByteArray());
    }

    [Fact]
    public async Task ModelInfer_Strings_RoundTripAsLengthPrefixedRawBytes()
    {
        var request = new ModelInferRequest { ModelName = "identity-bytes" };
        var input = new ModelInferRequest.Types.InferInputTensor { Name = "x", Datatype = "BYTES", Shape = { 1, 3 }, Contents = new InferTensorContents() };
        input.Contents.BytesContents.Add([ByteString.CopyFromUtf8("a"), ByteString.CopyFromUtf8(string.Empty), ByteString.CopyFromUtf8("héllo")]);
        request.Inputs.Add(input);

        var response = await Client.ModelInferAsync(request, deadline: Deadline());

        Assert.Equal(["a", string.Empty, "héllo"], DecodeStrings(response.RawOutputContents[0].ToByteArray()));
    }

    [Theory]
    [InlineData("nope", "FP32", 4, 5, StatusCode.NotFound, "'nope'")]
    [InlineData("iris", "FP32", 3, 3, StatusCode.InvalidArgument, "[N,4]")]
    [InlineData("iris", "FP32", 4, 3, StatusCode.InvalidArgument, "fp32_contents")]
    [InlineData("iris", "FP99", 4, 4, StatusCode.InvalidArgument, "FP99")]
    [InlineData("iris", "INT32", 4, 4, StatusCode.InvalidArgument, "FP32")]
    public async Task ModelInfer_BadRequest_EndsWithAStatusNamingTheProblem(string model, string datatype, int columns, int values, StatusCode expected, string mentioned)
    {
        var request = new ModelInferRequest { ModelName = model };
        var input = new ModelInferRequest.Types.InferInputTensor { Name = "features", Datatype = datatype, Shape = { 1, columns }, Contents = new InferTensorContents() };
        input.Contents.Fp32Contents.Add(Enumerable.Repeat(1f, values));
        input.Contents.IntContents.Add(Enumerable.Repeat(1, values));
        request.Inputs.Add(input);

        var error = await Assert.ThrowsAsync<RpcException>(() => Client.ModelInferAsync(request, deadline: Deadline()).ResponseAsync);

        Assert.Equal(expected, error.StatusCode);
        Assert.Contains(mentioned, error.Status.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1L << 62, 1L << 62, "64 bits")]
    [InlineData(1L << 40, 4, "raw bytes")]
    [InlineData(-1, 4, "negative")]
    public async Task ModelInfer_AbsurdShape_IsInvalidArgument(long rows, long columns, string mentioned)
    {
        var request = new ModelInferRequest { ModelName = "iris" };
        request.Inputs.Add(new ModelInferRequest.Types.InferInputTensor { Name = "features", Datatype = "FP32", Shape = { rows, columns } });
        request.RawInputContents.Add(ByteString.CopyFrom(new byte[16]));

        var error = await Assert.ThrowsAsync<RpcException>(() => Client.ModelInferAsync(request, deadline: Deadline()).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains(mentioned, error.Status.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new byte[] { 0xFF, 0xFF, 0xFF, 0xFF, 0x0F })]
    [InlineData(new byte[] { 0x2A, 0x05, 0x0A })]
    public async Task ModelInfer_MalformedMessage_IsInvalidArgument_AndTheServerGoesOn(byte[] message)
    {
        var raw = RawMethod(MethodType.Unary, "ModelInfer");

        var error = await Assert.ThrowsAsync<RpcException>(() => _channel.CreateCallInvoker().AsyncUnaryCall(raw, null, new CallOptions(deadline: Deadline()), message).ResponseAsync);
        var after = await Client.ModelInferAsync(IrisRequest("after-malformed"), deadline: Deadline());

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains("not a valid protobuf 'ModelInferRequest' message", error.Status.Detail, StringComparison.Ordinal);
        Assert.Equal("after-malformed", after.Id);
    }

    [Fact]
    public async Task MalformedMessages_OnOtherRpcs_AreInvalidArgument_StreamingIncluded()
    {
        var invoker = _channel.CreateCallInvoker();
        byte[] garbage = [0xFF, 0xFF, 0xFF, 0xFF, 0x0F];

        var metadata = await Assert.ThrowsAsync<RpcException>(() =>
            invoker.AsyncUnaryCall(RawMethod(MethodType.Unary, "ModelMetadata"), null, new CallOptions(deadline: Deadline()), garbage).ResponseAsync);
        using var stream = invoker.AsyncDuplexStreamingCall(RawMethod(MethodType.DuplexStreaming, "ModelStreamInfer"), null, new CallOptions(deadline: Deadline()));
        await stream.RequestStream.WriteAsync(garbage);
        await stream.RequestStream.CompleteAsync();
        var streamed = await Assert.ThrowsAsync<RpcException>(() => stream.ResponseStream.MoveNext(CancellationToken.None));

        Assert.Equal(StatusCode.InvalidArgument, metadata.StatusCode);
        Assert.Contains("ModelMetadataRequest", metadata.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(StatusCode.InvalidArgument, streamed.StatusCode);
        Assert.Contains("ModelInferRequest", streamed.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ModelConfig_IsTritonsShape_AndMatchesTheRestAnswer()
    {
        var config = (await Client.ModelConfigAsync(new ModelConfigRequest { Name = "iris" }, deadline: Deadline())).Config;
        var version = (await Client.ModelConfigAsync(new ModelConfigRequest { Name = "breast-cancer", Version = "1" }, deadline: Deadline())).Config;
        var rest = JsonNode.Parse(await fixture.Client.GetStringAsync("v2/models/iris/config"))!;

        Assert.Equal("iris", config.Name);
        Assert.Equal("onnxruntime_onnx", config.Platform);
        Assert.True(config.MaxBatchSize > 0, $"max_batch_size {config.MaxBatchSize}");
        Assert.Equal("features", config.Input[0].Name);
        Assert.Equal(DataType.TypeFp32, config.Input[0].DataType);
        Assert.Equal([4L], config.Input[0].Dims);
        Assert.Equal([30L], version.Input[0].Dims);
        Assert.Equal(config.Name, (string)rest["name"]!);
        Assert.Equal(config.Platform, (string)rest["platform"]!);
        Assert.Equal(config.MaxBatchSize, (int)rest["max_batch_size"]!);
        Assert.Equal(config.Input.Select(i => i.Name), rest["input"]!.AsArray().Select(i => (string)i!["name"]!));
        Assert.Equal(config.Output.Select(o => o.Name), rest["output"]!.AsArray().Select(o => (string)o!["name"]!));
        Assert.Equal("TYPE_FP32", (string)rest["input"]![0]!["data_type"]!);
        Assert.Equal([4L], rest["input"]![0]!["dims"]!.AsArray().Select(d => (long)d!));
        var missing = await Assert.ThrowsAsync<RpcException>(() => Client.ModelConfigAsync(new ModelConfigRequest { Name = "nope" }, deadline: Deadline()).ResponseAsync);
        Assert.Equal(StatusCode.NotFound, missing.StatusCode);
        Assert.Contains("nope", missing.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SharedMemoryTraceAndLogRpcs_AreUnimplemented_WithTheReason()
    {
        var shm = await Assert.ThrowsAsync<RpcException>(() => Client.SystemSharedMemoryRegisterAsync(new SystemSharedMemoryRegisterRequest { Name = "r" }, deadline: Deadline()).ResponseAsync);
        var cuda = await Assert.ThrowsAsync<RpcException>(() => Client.CudaSharedMemoryStatusAsync(new CudaSharedMemoryStatusRequest(), deadline: Deadline()).ResponseAsync);
        var trace = await Assert.ThrowsAsync<RpcException>(() => Client.TraceSettingAsync(new TraceSettingRequest(), deadline: Deadline()).ResponseAsync);
        var server = await Client.ServerMetadataAsync(new ServerMetadataRequest(), deadline: Deadline());

        Assert.All([shm, cuda, trace], e => Assert.Equal(StatusCode.Unimplemented, e.StatusCode));
        Assert.Contains("system_shared_memory", shm.Status.Detail, StringComparison.Ordinal);
        Assert.Contains("cuda_shared_memory", cuda.Status.Detail, StringComparison.Ordinal);
        Assert.Contains("trace", trace.Status.Detail, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(server.Extensions, e => e.Contains("shared_memory", StringComparison.Ordinal) || e.Contains("trace", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ModelInfer_UInt64PriorityAndTimeout_AreAccepted_AndABadOneNamed()
    {
        var request = IrisRequest("priority");
        request.Parameters["priority"] = new InferParameter { Uint64Param = 2 };
        request.Parameters["timeout"] = new InferParameter { Uint64Param = 5_000_000 };

        var response = await Client.ModelInferAsync(request, deadline: Deadline());
        request.Parameters["timeout"] = new InferParameter { StringParam = "soon" };
        var error = await Assert.ThrowsAsync<RpcException>(() => Client.ModelInferAsync(request, deadline: Deadline()).ResponseAsync);

        Assert.Equal("priority", response.Id);
        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains("'timeout'", error.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ModelInfer_DeadlineShorterThanTheModel_IsDeadlineExceeded_AndCancellationIsHonoured()
    {
        var request = new ModelInferRequest { ModelName = "slow" };
        request.Inputs.Add(new ModelInferRequest.Types.InferInputTensor { Name = "x", Datatype = "FP32", Shape = { 1, 256 } });
        request.RawInputContents.Add(ByteString.CopyFrom(new byte[256 * 4]));

        // A 0.5 ms deadline usually passes before the answer; on a loaded machine a call can still make it. Once in five.
        RpcException? late = null;
        for (var attempt = 0; attempt < 5 && late is null; attempt++)
        {
            try
            {
                await Client.ModelInferAsync(request, deadline: DateTime.UtcNow.AddTicks(TimeSpan.TicksPerMillisecond / 2)).ResponseAsync;
            }
            catch (RpcException ex)
            {
                late = ex;
            }
        }

        Assert.NotNull(late);
        request.Parameters["timeout"] = new InferParameter { Int64Param = 1 };
        // A 1 µs server-side timeout has passed by the time the batcher looks, unless the server's clock reads the
        // same tick for both (it is coarse under load): then the call simply succeeds. Refused at least once in five.
        RpcException? serverLate = null;
        for (var attempt = 0; attempt < 5 && serverLate is null; attempt++)
        {
            try
            {
                await Client.ModelInferAsync(request, deadline: Deadline()).ResponseAsync;
            }
            catch (RpcException ex)
            {
                serverLate = ex;
            }
        }

        Assert.NotNull(serverLate);
        request.Parameters.Clear();
        using var cancel = new CancellationTokenSource(TimeSpan.FromTicks(TimeSpan.TicksPerMillisecond / 2));
        var cancelled = await Assert.ThrowsAsync<RpcException>(() => Client.ModelInferAsync(request, deadline: Deadline(), cancellationToken: cancel.Token).ResponseAsync);
        var after = await Client.ModelInferAsync(IrisRequest("after"), deadline: Deadline());

        Assert.Equal(StatusCode.DeadlineExceeded, late.StatusCode);
        Assert.Equal(StatusCode.DeadlineExceeded, serverLate.StatusCode);
        Assert.Equal(StatusCode.Cancelled, cancelled.StatusCode);
        Assert.Equal("after", after.Id);
    }

    [Fact]
    public async Task ModelStreamInfer_AnswersEachRequestWhileTheStreamIsOpen_ErrorsIncluded()
    {
        using var call = Client.ModelStreamInfer(deadline: Deadline());

        await call.RequestStream.WriteAsync(IrisRequest("s1"));
        Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None).WaitAsync(CallLimit));
        var first = call.ResponseStream.Current;
        await call.RequestStream.WriteAsync(new ModelInferRequest { ModelName = "nope", Id = "s2" });
        Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None).WaitAsync(CallLimit));
        var second = call.ResponseStream.Current;
        for (var i = 3; i <= 6; i++)
        {
            await call.RequestStream.WriteAsync(IrisRequest("s" + i));
        }

        await call.RequestStream.CompleteAsync();
        var rest = new List<string>();
        while (await call.ResponseStream.MoveNext(CancellationToken.None))
        {
            rest.Add(call.ResponseStream.Current.InferResponse.Id);
        }

        Assert.Equal("s1", first.InferResponse.Id);
        Assert.Empty(first.ErrorMessage);
        Assert.Contains("'nope'", second.ErrorMessage, StringComparison.Ordinal);
        Assert.Equal(["s3", "s4", "s5", "s6"], rest);
        Assert.Equal(StatusCode.OK, call.GetStatus().StatusCode);
    }

    [Fact]
    public async Task Repository_IndexUnloadLoad_ChangeAndReportState()
    {
        const string model = "identity-uint8";
        var index = await Client.RepositoryIndexAsync(new RepositoryIndexRequest(), deadline: Deadline());
        await Client.RepositoryModelUnloadAsync(new RepositoryModelUnloadRequest { ModelName = model, Parameters = { ["unload_dependents"] = new ModelRepositoryParameter { BoolParam = false } } }, deadline: Deadline());
        var unloaded = await Client.ModelReadyAsync(new ModelReadyRequest { Name = model }, deadline: Deadline());
        var readyOnly = await Client.RepositoryIndexAsync(new RepositoryIndexRequest { Ready = true }, deadline: Deadline());
        await Client.RepositoryModelLoadAsync(new RepositoryModelLoadRequest { ModelName = model }, deadline: Deadline());
        var loaded = await Client.ModelReadyAsync(new ModelReadyRequest { Name = model }, deadline: Deadline());
        var missing = await Assert.ThrowsAsync<RpcException>(() => Client.RepositoryModelLoadAsync(new RepositoryModelLoadRequest { ModelName = "nope" }, deadline: Deadline()).ResponseAsync);
        var withConfig = await Assert.ThrowsAsync<RpcException>(() => Client.RepositoryModelLoadAsync(
            new RepositoryModelLoadRequest { ModelName = model, Parameters = { ["config"] = new ModelRepositoryParameter { StringParam = "{}" } } }, deadline: Deadline()).ResponseAsync);

        Assert.Contains(index.Models, m => m.Name == model && m.Version == "1" && m.State == "READY");
        Assert.False(unloaded.Ready);
        Assert.DoesNotContain(readyOnly.Models, m => m.Name == model);
        Assert.Contains(readyOnly.Models, m => m.Name == "iris");
        Assert.True(loaded.Ready);
        Assert.Equal(StatusCode.NotFound, missing.StatusCode);
        Assert.Equal(StatusCode.InvalidArgument, withConfig.StatusCode);
    }

    [Fact]
    public async Task ModelStatistics_CountRowsAndBatches_AsRestReportsThem()
    {
        var before = (await Client.ModelStatisticsAsync(new ModelStatisticsRequest { Name = "identity-fp32" }, deadline: Deadline())).ModelStats.Single();
        var request = new ModelInferRequest { ModelName = "identity-fp32" };
        request.Inputs.Add(new ModelInferRequest.Types.InferInputTensor { Name = "x", Datatype = "FP32", Shape = { 5, 3 } });
        request.RawInputContents.Add(ByteString.CopyFrom(new byte[5 * 3 * 4]));
        await Client.ModelInferAsync(request, deadline: Deadline());

        var after = (await Client.ModelStatisticsAsync(new ModelStatisticsRequest { Name = "identity-fp32", Version = "1" }, deadline: Deadline())).ModelStats.Single();
        var all = await Client.ModelStatisticsAsync(new ModelStatisticsRequest(), deadline: Deadline());
        var rest = JsonNode.Parse(await fixture.Client.GetStringAsync("v2/models/identity-fp32/stats"))!["model_stats"]![0]!;

        Assert.Equal(before.InferenceCount + 5, after.InferenceCount);
        Assert.Equal(before.ExecutionCount + 1, after.ExecutionCount);
        Assert.Equal(before.InferenceStats.Success.Count + 1, after.InferenceStats.Success.Count);
        Assert.Equal((ulong)rest["inference_count"]!, after.InferenceCount);
        Assert.Equal((ulong)rest["execution_count"]!, after.ExecutionCount);
        Assert.Contains(all.ModelStats, s => s.Name == "iris");
        var missing = await Assert.ThrowsAsync<RpcException>(() => Client.ModelStatisticsAsync(new ModelStatisticsRequest { Name = "nope" }, deadline: Deadline()).ResponseAsync);
        Assert.Equal(StatusCode.NotFound, missing.StatusCode);
    }

    private static DateTime Deadline() => DateTime.UtcNow.Add(CallLimit);

    private static Method<byte[], byte[]> RawMethod(MethodType type, string name) =>
        new(type, "inference.GRPCInferenceService", name, Marshallers.Create(b => b, b => b), Marshallers.Create(b => b, b => b));

    private static ModelInferRequest IrisRequest(string id)
    {
        var request = new ModelInferRequest { ModelName = "iris", Id = id };
        var input = new ModelInferRequest.Types.InferInputTensor { Name = "features", Datatype = "FP32", Shape = { 1, 4 }, Contents = new InferTensorContents() };
        input.Contents.Fp32Contents.Add([5.1f, 3.5f, 1.4f, 0.2f]);
        request.Inputs.Add(input);
        return request;
    }

    private static string[] DecodeStrings(byte[] raw)
    {
        var strings = new List<string>();
        for (var offset = 0; offset < raw.Length;)
        {
            var length = BitConverter.ToInt32(raw, offset);
            strings.Add(Encoding.UTF8.GetString(raw, offset + 4, length));
            offset += 4 + length;
        }

        return [.. strings];
    }
}
