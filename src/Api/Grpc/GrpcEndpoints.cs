using OrleansInference.Api.Security;

namespace OrleansInference.Api.Grpc;

/// <summary>Maps the KServe v2 gRPC service, standard health (<c>grpc.health.v1</c>) and server reflection.</summary>
internal static class GrpcEndpoints
{
    /// <summary>The rpcs that change what is loaded: they need the admin role, as their REST twins do.</summary>
    private static readonly HashSet<string> AdminMethods = ["RepositoryModelLoad", "RepositoryModelUnload"];

    public static void MapGrpcInferenceService(this IEndpointRouteBuilder app)
    {
        app.MapGrpcService<GrpcInferenceService>().Add(endpoint =>
        {
            var method = endpoint.Metadata.OfType<global::Grpc.AspNetCore.Server.GrpcMethodMetadata>().FirstOrDefault()?.Method.Name;
            if (method is "ServerLive" or "ServerReady")
            {
                endpoint.Metadata.Add(new ApiAccessMetadata(ApiAccess.Anonymous));
            }
            else if (method is not null && AdminMethods.Contains(method))
            {
                endpoint.Metadata.Add(new ApiAccessMetadata(ApiAccess.Admin));
            }
        });
        app.MapGrpcHealthChecksService().RequireAccess(ApiAccess.Anonymous);
        app.MapGrpcReflectionService();
    }
}
