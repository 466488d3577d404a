using OrleansInference.Api.Http;

namespace OrleansInference.Api.Grpc;

/// <summary>Maps the KServe v2 gRPC service's methods, <c>POST /inference.GRPCInferenceService/{method}</c>.</summary>
internal static class GrpcEndpoints
{
    public static void MapGrpcInferenceService(this IEndpointRouteBuilder app) =>
        app.MapPost($"/{GrpcInferenceService.ServiceName}/{{method}}", (HttpContext context, string method, GrpcInferenceService service) => service.HandleAsync(context, method))
            .WithMetadata(WritesErrorBodiesMetadata.Instance)
            .ExcludeFromDescription();
}
