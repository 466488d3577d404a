using System.Threading.Channels;
using Grpc.Core;
using Microsoft.Extensions.Options;
using OrleansInference.Api.Grpc.Protocol;
using OrleansInference.Api.KServe;

namespace OrleansInference.Api.Grpc;

/// <summary>
/// <c>inference.GRPCInferenceService</c>, the KServe v2 gRPC service with Triton's streaming, model-repository and
/// statistics rpcs. Every rpc answers through the helpers the REST v2 endpoints use (<see cref="KServeEndpoints"/>,
/// <see cref="TritonEndpoints"/>, <see cref="KServeInferEndpoint"/>), so both protocols share one pipeline: the call
/// deadline (<c>grpc-timeout</c>) bounds the request's, and access control runs in <c>AccessControlInterceptor</c>.
/// Requests that do not parse end in INVALID_ARGUMENT (<see cref="ValidatingServiceBinder"/>); Triton's shared-memory,
/// trace and log rpcs answer UNIMPLEMENTED with the reason.
/// </summary>
[BindServiceMethod(typeof(GrpcInferenceService), nameof(BindService))]
internal sealed class GrpcInferenceService(IServiceProvider services, IOptions<GrpcOptions> options) : GRPCInferenceService.GRPCInferenceServiceBase
{
    private const string SharedMemoryUnavailable = UnofferedExtensions.SharedMemory;

    /// <summary>The service's descriptor, for server reflection.</summary>
    public static global::Google.Protobuf.Reflection.ServiceDescriptor Descriptor => GRPCInferenceService.Descriptor;

    /// <summary>
    /// Binds the generated methods through <see cref="ValidatingServiceBinder"/>. Grpc.AspNetCore finds it by the attribute and
    /// resolves each handler as an override of the parameter's type, so the parameter is the generated base class.
    /// </summary>
    public static void BindService(ServiceBinderBase binder, GRPCInferenceService.GRPCInferenceServiceBase? service) =>
        GRPCInferenceService.BindService(new ValidatingServiceBinder(binder), service);

    public override Task<ServerLiveResponse> ServerLive(ServerLiveRequest request, ServerCallContext context) =>
        Task.FromResult(new ServerLiveResponse { Live = true });

    public override async Task<ServerReadyResponse> ServerReady(ServerReadyRequest request, ServerCallContext context) =>
        new() { Ready = await KServeEndpoints.ServerReadyAsync(services, context.CancellationToken) };

    public override async Task<ModelReadyResponse> ModelReady(ModelReadyRequest request, ServerCallContext context) =>
        new() { Ready = Unwrap(await KServeEndpoints.ModelReadyAsync(services, request.Name, NullIfEmpty(request.Version), context.CancellationToken)) };

    public override Task<ServerMetadataResponse> ServerMetadata(ServerMetadataRequest request, ServerCallContext context) =>
        Task.FromResult(new ServerMetadataResponse { Name = KServeEndpoints.ServerName, Version = KServeEndpoints.ServerVersion(), Extensions = { KServeEndpoints.Extensions } });

    public override Task<ModelMetadataResponse> ModelMetadata(ModelMetadataRequest request, ServerCallContext context)
    {
        var metadata = Unwrap(KServeEndpoints.ModelMetadata(services, request.Name, NullIfEmpty(request.Version)));
        var response = new ModelMetadataResponse { Name = metadata.Name, Platform = metadata.Platform, Versions = { metadata.Versions } };
        response.Inputs.Add(metadata.Inputs.Select(ToTensorMetadata));
        response.Outputs.Add(metadata.Outputs.Select(ToTensorMetadata));
        return Task.FromResult(response);
    }

    /// <summary>Triton's model configuration, the same as REST <c>GET /v2/models/{name}/config</c>.</summary>
    public override Task<ModelConfigResponse> ModelConfig(ModelConfigRequest request, ServerCallContext context)
    {
        var config = Unwrap(TritonModelConfigReader.Read(services, request.Name, NullIfEmpty(request.Version)));
        var message = new Protocol.ModelConfig { Name = config.Name, Platform = config.Platform, Backend = config.Backend, MaxBatchSize = config.MaxBatchSize };
        message.Input.Add(config.Input.Select(t => new ModelInput { Name = t.Name, DataType = ToDataType(t.DataType), Dims = { t.Dims } }));
        message.Output.Add(config.Output.Select(t => new ModelOutput { Name = t.Name, DataType = ToDataType(t.DataType), Dims = { t.Dims } }));
        return Task.FromResult(new ModelConfigResponse { Config = message });
    }

    public override Task<SystemSharedMemoryStatusResponse> SystemSharedMemoryStatus(SystemSharedMemoryStatusRequest request, ServerCallContext context) =>
        throw Unimplemented(SharedMemoryUnavailable);

    public override Task<SystemSharedMemoryRegisterResponse> SystemSharedMemoryRegister(SystemSharedMemoryRegisterRequest request, ServerCallContext context) =>
        throw Unimplemented(SharedMemoryUnavailable);

    public override Task<SystemSharedMemoryUnregisterResponse> SystemSharedMemoryUnregister(SystemSharedMemoryUnregisterRequest request, ServerCallContext context) =>
        throw Unimplemented(SharedMemoryUnavailable);

    public override Task<CudaSharedMemoryStatusResponse> CudaSharedMemoryStatus(CudaSharedMemoryStatusRequest request, ServerCallContext context) =>
        throw Unimplemented(SharedMemoryUnavailable);

    public override Task<CudaSharedMemoryRegisterResponse> CudaSharedMemoryRegister(CudaSharedMemoryRegisterRequest request, ServerCallContext context) =>
        throw Unimplemented(SharedMemoryUnavailable);

    public override Task<CudaSharedMemoryUnregisterResponse> CudaSharedMemoryUnregister(CudaSharedMemoryUnregisterRequest request, ServerCallContext context) =>
        throw Unimplemented(SharedMemoryUnavailable);

    public override Task<TraceSettingResponse> TraceSetting(TraceSettingRequest request, ServerCallContext context) =>
        throw Unimplemented(UnofferedExtensions.Trace);

    public override Task<LogSettingsResponse> LogSettings(LogSettingsRequest request, ServerCallContext context) =>
        throw Unimplemented(UnofferedExtensions.Logging);

    public override Task<ModelInferResponse> ModelInfer(ModelInferRequest request, ServerCallContext context) =>
        InferAsync(request, context);

    /// <summary>
    /// Answers each request as it arrives, without waiting for the client to close its side: up to
    /// <see cref="GrpcOptions.MaxStreamRequestsInFlight"/> requests run at once and their responses go out in arrival
    /// order. A failed request answers with <c>error_message</c> and the stream goes on.
    /// </summary>
    public override async Task ModelStreamInfer(
        IAsyncStreamReader<ModelInferRequest> requestStream, IServerStreamWriter<ModelStreamInferResponse> responseStream, ServerCallContext context)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken);
        var pending = Channel.CreateBounded<Task<ModelStreamInferResponse>>(
            new BoundedChannelOptions(options.Value.MaxStreamRequestsInFlight) { SingleReader = true, SingleWriter = true });
        var writer = WriteInOrderAsync(pending.Reader, responseStream, stop);
        try
        {
            await foreach (var request in requestStream.ReadAllAsync(stop.Token))
            {
                await pending.Writer.WriteAsync(AnswerAsync(request, context, stop.Token), stop.Token);
            }
        }
        catch (OperationCanceledException) when (writer.IsFaulted)
        {
            // The writer stopped the reader; its exception is the one to report.
        }
        finally
        {
            pending.Writer.TryComplete();
        }

        await writer;
    }

    public override async Task<ModelStatisticsResponse> ModelStatistics(ModelStatisticsRequest request, ServerCallContext context)
    {
        var name = NullIfEmpty(request.Name);
        var version = name is null ? null : NullIfEmpty(request.Version);
        var stats = Unwrap(await TritonEndpoints.StatisticsAsync(services, name, version, context.CancellationToken));
        var response = new ModelStatisticsResponse();
        foreach (var s in stats.ModelStats)
        {
            var model = new ModelStatistics
            {
                Name = s.Name,
                Version = s.Version,
                LastInference = (ulong)Math.Max(0, s.LastInference),
                InferenceCount = (ulong)s.InferenceCount,
                ExecutionCount = (ulong)s.ExecutionCount,
                InferenceStats = new InferStatistics
                {
                    Success = ToDuration(s.InferenceStats.Success),
                    Fail = ToDuration(s.InferenceStats.Fail),
                    Queue = ToDuration(s.InferenceStats.Queue),
                    ComputeInput = ToDuration(s.InferenceStats.ComputeInput),
                    ComputeInfer = ToDuration(s.InferenceStats.ComputeInfer),
                    ComputeOutput = ToDuration(s.InferenceStats.ComputeOutput),
                    CacheHit = new StatisticDuration(),
                    CacheMiss = new StatisticDuration(),
                },
            };
            model.BatchStats.Add(s.BatchStats.Select(b => new InferBatchStatistics
            {
                BatchSize = (ulong)b.BatchSize,
                ComputeInput = ToDuration(b.ComputeInput),
                ComputeInfer = ToDuration(b.ComputeInfer),
                ComputeOutput = ToDuration(b.ComputeOutput),
            }));
            response.ModelStats.Add(model);
        }

        return response;
    }

    public override async Task<RepositoryIndexResponse> RepositoryIndex(RepositoryIndexRequest request, ServerCallContext context)
    {
        CheckRepository(request.RepositoryName);
        var response = new RepositoryIndexResponse();
        foreach (var entry in await TritonEndpoints.IndexAsync(services, request.Ready, context.CancellationToken))
        {
            response.Models.Add(new RepositoryIndexResponse.Types.ModelIndex
            {
                Name = entry.Name,
                Version = entry.Version ?? string.Empty,
                State = entry.State ?? string.Empty,
                Reason = entry.Reason ?? string.Empty,
            });
        }

        return response;
    }

    public override async Task<RepositoryModelLoadResponse> RepositoryModelLoad(RepositoryModelLoadRequest request, ServerCallContext context)
    {
        CheckRepository(request.RepositoryName);
        if (request.Parameters.Count > 0)
        {
            throw GrpcStatusMapping.Invalid(
                $"Load parameters ({string.Join(", ", request.Parameters.Keys)}) are not supported: a load takes the model's registered configuration and files; deploy new ones through the management API.");
        }

        if (await TritonEndpoints.LoadAsync(services, request.ModelName, context.CancellationToken) is { } failure)
        {
            throw GrpcStatusMapping.ToException(failure);
        }

        return new RepositoryModelLoadResponse();
    }

    public override async Task<RepositoryModelUnloadResponse> RepositoryModelUnload(RepositoryModelUnloadRequest request, ServerCallContext context)
    {
        CheckRepository(request.RepositoryName);
        foreach (var (name, value) in request.Parameters)
        {
            // Triton's clients always send unload_dependents; a model here has no dependents, so either value means the same.
            if (name != "unload_dependents" || value.ParameterChoiceCase != ModelRepositoryParameter.ParameterChoiceOneofCase.BoolParam)
            {
                throw GrpcStatusMapping.Invalid($"Unload parameter '{name}' is not supported; only the boolean 'unload_dependents' is.");
            }
        }

        if (await TritonEndpoints.UnloadAsync(services, request.ModelName, context.CancellationToken) is { } failure)
        {
            throw GrpcStatusMapping.ToException(failure);
        }

        return new RepositoryModelUnloadResponse();
    }

    private async Task<ModelInferResponse> InferAsync(ModelInferRequest request, ServerCallContext context, CancellationToken cancellationToken = default)
    {
        if (!cancellationToken.CanBeCanceled)
        {
            cancellationToken = context.CancellationToken;
        }

        var version = NullIfEmpty(request.ModelVersion);
        if (KServeInferEndpoint.FindModel(services, request.ModelName, version) is { } notFound)
        {
            throw GrpcStatusMapping.ToException(notFound);
        }

        using var v2 = GrpcTensorConverter.ToV2Request(request);
        DateTimeOffset? deadline = context.Deadline == DateTime.MaxValue ? null : new DateTimeOffset(context.Deadline.ToUniversalTime());
        V2Outcome<Contracts.Inference.InferenceResult> outcome;
        try
        {
            outcome = await KServeInferEndpoint.InferAsync(services, request.ModelName, version, v2, deadline, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw new RpcException(new Status(deadline <= DateTimeOffset.UtcNow ? StatusCode.DeadlineExceeded : StatusCode.Cancelled, "The call ended before the model answered."));
        }

        if (!outcome.IsSuccess)
        {
            throw GrpcStatusMapping.ToException(outcome.Failure);
        }

        var result = outcome.Value!;
        try
        {
            var response = GrpcTensorConverter.ToResponse(result, request.Id);
            if (outcome.FallbackVersion is not null)
            {
                // Served by the model's fallback version while the requested version's circuit breaker is open.
                response.Parameters["fallback"] = new InferParameter { BoolParam = true };
            }

            return response;
        }
        finally
        {
            KServeInferEndpoint.Dispose(result);
        }
    }

    private async Task<ModelStreamInferResponse> AnswerAsync(ModelInferRequest request, ServerCallContext context, CancellationToken cancellationToken)
    {
        try
        {
            return new ModelStreamInferResponse { InferResponse = await InferAsync(request, context, cancellationToken) };
        }
        catch (RpcException ex) when (!cancellationToken.IsCancellationRequested)
        {
            return new ModelStreamInferResponse { ErrorMessage = ex.Status.Detail };
        }
    }

    private static async Task WriteInOrderAsync(
        ChannelReader<Task<ModelStreamInferResponse>> pending, IServerStreamWriter<ModelStreamInferResponse> responses, CancellationTokenSource stop)
    {
        try
        {
            await foreach (var answer in pending.ReadAllAsync(stop.Token))
            {
                await responses.WriteAsync(await answer, stop.Token);
            }
        }
        catch
        {
            await stop.CancelAsync();
            throw;
        }
    }

    private static void CheckRepository(string repository)
    {
        if (!string.IsNullOrEmpty(repository))
        {
            throw new RpcException(new Status(StatusCode.NotFound, $"Repository '{repository}' does not exist; the server has one repository, named by an empty repository_name."));
        }
    }

    private static RpcException Unimplemented(string message) => new(new Status(StatusCode.Unimplemented, message));

    private static DataType ToDataType(string tritonType) =>
        ModelConfigReflection.Descriptor.FindTypeByName<global::Google.Protobuf.Reflection.EnumDescriptor>("DataType").FindValueByName(tritonType) is { } value
            ? (DataType)value.Number
            : DataType.TypeInvalid;

    private static T Unwrap<T>(V2Outcome<T> outcome) => outcome.IsSuccess ? outcome.Value! : throw GrpcStatusMapping.ToException(outcome.Failure);

    private static string? NullIfEmpty(string value) => string.IsNullOrEmpty(value) ? null : value;

    private static StatisticDuration ToDuration(TritonStatisticDuration duration) => new() { Count = (ulong)duration.Count, Ns = (ulong)duration.Ns };

    private static ModelMetadataResponse.Types.TensorMetadata ToTensorMetadata(V2TensorMetadata tensor) =>
        new() { Name = tensor.Name, Datatype = tensor.Datatype, Shape = { tensor.Shape } };
}
