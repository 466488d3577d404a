namespace OrleansInference.Api.Grpc;

/// <summary>Ends a gRPC call with a non-OK status and a message for the client.</summary>
internal sealed class GrpcException(GrpcStatusCode status, string message) : Exception(message)
{
    public GrpcStatusCode Status { get; } = status;
}
