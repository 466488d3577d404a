using System.Reflection;
using Google.Protobuf;
using Microsoft.Extensions.Options;
using Orleans;
using OrleansInference.Api.Grpc.Protocol;
using OrleansInference.Api.Health;
using OrleansInference.Api.Http;
using OrleansInference.Api.KServe;
using OrleansInference.Contracts.Inference;
using OrleansInference.Contracts.Models;
using OrleansInference.Grid.Catalog;
using OrleansInference.Grid.Repository;

namespace OrleansInference.Api.Grpc;

/// <summary>
/// <c>inference.GRPCInferenceService</c>, the KServe v2 gRPC service, over Kestrel's HTTP/2 (unary calls):
/// liveness, readiness, server and model metadata, and inference. <c>grpc-timeout</c> or the <c>timeout</c> parameter
/// (microseconds) sets the deadline; <c>priority</c> 2 and above runs as offline work.
/// </summary>
internal sealed partial class GrpcInferenceService(
    ModelCatalog catalog,
    IGrainFactory grains,
    GridCalls grid,
    GridReadiness readiness,
    TimeProvider time,
    IOptions<ApiOptions> apiOptions,
    IOptions<GrpcOptions> grpcOptions,
    ILogger<GrpcInferenceService> logger)
{
    public const string ServiceName = "inference.GRPCInferenceService";

    public async Task HandleAsync(HttpContext context, string method)
    {
        var request = context.Request;
        var response = context.Response;
        if (!GrpcFraming.IsGrpcRequest(request) || !HttpProtocol.IsHttp2(request.Protocol))
        {
            response.StatusCode = StatusCodes.Status415UnsupportedMediaType;
            return;
        }

        var cancellationToken = context.RequestAborted;
        try
        {
            using var body = await RequestBodyReader.ReadAsync(request, grpcOptions.Value.MaxReceiveMessageBytes, cancellationToken);
            var payload = GrpcFraming.ReadSingleMessage(body.Span);
            IMessage reply = method switch
            {
                "ServerLive" => new ServerLiveResponse { Live = true },
                "ServerReady" => new ServerReadyResponse { Ready = (await readiness.CheckAsync(cancellationToken)).Ready },
                "ModelReady" => await ModelReadyAsync(ModelReadyRequest.Parser.ParseFrom(payload), cancellationToken),
                "ServerMetadata" => ServerMetadata(),
                "ModelMetadata" => ModelMetadata(ModelMetadataRequest.Parser.ParseFrom(payload)),
                "ModelInfer" => await InferAsync(ModelInferRequest.Parser.ParseFrom(payload), request.Headers["grpc-timeout"], cancellationToken),
                _ => throw new GrpcException(GrpcStatusCode.Unimplemented, $"Method '{method}' is not part of {ServiceName}."),
            };
            await GrpcFraming.WriteMessageAsync(response, reply, cancellationToken);
        }
        catch (GrpcException ex)
        {
            GrpcFraming.WriteStatus(response, ex.Status, ex.Message);
        }
        catch (InvalidProtocolBufferException ex)
        {
            GrpcFraming.WriteStatus(response, GrpcStatusCode.InvalidArgument, $"The request message is not a valid {method} request: {ex.Message}");
        }
        catch (BodyTooLargeException ex)
        {
            GrpcFraming.WriteStatus(response, GrpcStatusCode.ResourceExhausted, ex.Message);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            GrpcFraming.WriteStatus(response, GrpcStatusCode.Cancelled, "The call was cancelled.");
        }
        catch (Exception ex)
        {
            Log.CallFailed(logger, method, ex);
            GrpcFraming.WriteStatus(response, GrpcStatusCode.Internal, "The server failed to process the call; the error is logged.");
        }
    }

    private static ServerMetadataResponse ServerMetadata()
    {
        var version = typeof(GrpcInferenceService).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "1.0.0";
        var metadata = new ServerMetadataResponse { Name = KServeEndpoints.ServerName, Version = version };
        metadata.Extensions.Add(["model_repository", "statistics"]);
        return metadata;
    }

    private ModelMetadataResponse ModelMetadata(ModelMetadataRequest request)
    {
        var entry = Find(request.Name, request.Version);
        var metadata = new ModelMetadataResponse { Name = entry.Name, Platform = KServeEndpoints.Platform };
        metadata.Versions.Add(string.IsNullOrEmpty(request.Version) ? catalog.VersionsOf(entry.Name).Select(e => e.Version) : [entry.Version]);
        foreach (var input in entry.Config.Inputs)
        {
            metadata.Inputs.Add(new ModelMetadataResponse.Types.TensorMetadata { Name = input.Name, Datatype = input.Datatype, Shape = { input.Shape } });
        }

        foreach (var output in entry.Config.Outputs)
        {
            metadata.Outputs.Add(new ModelMetadataResponse.Types.TensorMetadata { Name = output.Name, Datatype = output.Datatype, Shape = { output.Shape } });
        }

        return metadata;
    }

    private async Task<ModelReadyResponse> ModelReadyAsync(ModelReadyRequest request, CancellationToken cancellationToken)
    {
        var entry = Find(request.Name, request.Version);
        if (string.IsNullOrEmpty(request.Version))
        {
            var serving = await grains.GetGrain<IModelGrain>(entry.Name).GetServingStatusAsync(cancellationToken);
            return new ModelReadyResponse { Ready = serving.Count > 0 && serving.All(s => s.State == ModelVersionState.Ready) };
        }

        var status = await grains.GetGrain<IModelVersionGrain>(ModelKeys.VersionKey(entry.Name, entry.Version)).GetStatusAsync(cancellationToken);
        return new ModelReadyResponse { Ready = status.State == ModelVersionState.Ready };
    }

    private async Task<ModelInferResponse> InferAsync(ModelInferRequest request, string? grpcTimeout, CancellationToken cancellationToken)
    {
        Find(request.ModelName, request.ModelVersion);
        var version = request.ModelVersion;
        if (string.IsNullOrEmpty(version))
        {
            var route = await grid.ResolveAsync(request.ModelName, null, null, cancellationToken);
            version = route.Version ?? throw new GrpcException(GrpcStatusCode.Unavailable, route.Error ?? $"Model '{request.ModelName}' has no serving version.");
        }

        var (priority, deadline) = Scheduling(request, grpcTimeout);
        var inputs = GrpcTensorConverter.ToInputs(request);
        InferenceResult result;
        try
        {
            var outputs = request.Outputs.Count == 0 ? null : request.Outputs.Select(o => o.Name).ToArray();
            var inference = new InferenceRequest(request.Id, inputs, outputs, priority, deadline);
            result = await grid.InferAsync(ModelKeys.VersionKey(request.ModelName, version), inference, cancellationToken);
        }
        finally
        {
            foreach (var input in inputs)
            {
                input.Dispose();
            }
        }

        try
        {
            return result.IsSuccess
                ? GrpcTensorConverter.ToResponse(result, request.Id)
                : throw new GrpcException(ToGrpcStatus(result.Status), result.Error ?? $"Model '{request.ModelName}/{version}' failed.");
        }
        finally
        {
            foreach (var output in result.Outputs ?? [])
            {
                output.Dispose();
            }
        }
    }

    private (RequestPriority Priority, DateTimeOffset Deadline) Scheduling(ModelInferRequest request, string? grpcTimeout)
    {
        var now = time.GetUtcNow();
        var deadline = now.AddMilliseconds(apiOptions.Value.DefaultDeadlineMs);
        if (GrpcFraming.ParseTimeout(grpcTimeout) is { } timeout)
        {
            deadline = now + timeout;
        }

        if (request.Parameters.TryGetValue("timeout", out var t))
        {
            deadline = t.ParameterChoiceCase == InferParameter.ParameterChoiceOneofCase.Int64Param && t.Int64Param is > 0 and <= 3_600_000_000
                ? now.AddTicks(t.Int64Param * TimeSpan.TicksPerMicrosecond)
                : throw new GrpcException(GrpcStatusCode.InvalidArgument, "Parameter 'timeout' must be an int64 number of microseconds between 1 and 3600000000.");
        }

        var priority = RequestPriority.RealTime;
        if (request.Parameters.TryGetValue("priority", out var p))
        {
            priority = p.ParameterChoiceCase == InferParameter.ParameterChoiceOneofCase.Int64Param && p.Int64Param >= 0
                ? (p.Int64Param >= 2 ? RequestPriority.Offline : RequestPriority.RealTime)
                : throw new GrpcException(GrpcStatusCode.InvalidArgument, "Parameter 'priority' must be a non-negative int64: 0 or 1 for real-time, 2 or more for offline work.");
        }

        return (priority, deadline);
    }

    private CatalogEntry Find(string model, string? version)
    {
        var versions = catalog.VersionsOf(model);
        if (versions.Count == 0)
        {
            throw new GrpcException(GrpcStatusCode.NotFound, KServeEndpoints.NotFoundMessage(catalog, model, version));
        }

        if (string.IsNullOrEmpty(version))
        {
            return versions.LastOrDefault(e => e.Stage == ModelStages.Production) ?? versions[^1];
        }

        return catalog.TryGet(model, version, out var entry)
            ? entry
            : throw new GrpcException(GrpcStatusCode.NotFound, KServeEndpoints.NotFoundMessage(catalog, model, version));
    }

    private static GrpcStatusCode ToGrpcStatus(InferenceStatus status) => status switch
    {
        InferenceStatus.InvalidInput => GrpcStatusCode.InvalidArgument,
        InferenceStatus.NotFound => GrpcStatusCode.NotFound,
        InferenceStatus.QueueFull => GrpcStatusCode.ResourceExhausted,
        InferenceStatus.DeadlineExceeded => GrpcStatusCode.DeadlineExceeded,
        InferenceStatus.Cancelled => GrpcStatusCode.Cancelled,
        InferenceStatus.Unavailable => GrpcStatusCode.Unavailable,
        _ => GrpcStatusCode.Internal,
    };

    private static partial class Log
    {
        [LoggerMessage(EventId = 4100, Level = LogLevel.Error, Message = "gRPC call {Method} failed.")]
        public static partial void CallFailed(ILogger logger, string method, Exception exception);
    }
}
