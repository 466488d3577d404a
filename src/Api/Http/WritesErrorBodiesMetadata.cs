namespace OrleansInference.Api.Http;

/// <summary>
/// Endpoint metadata: the endpoint answers every error status with a body of its own, so
/// <see cref="EmptyErrorBodyMiddleware"/> hands its requests straight on instead of waiting to inspect the response.
/// </summary>
internal sealed class WritesErrorBodiesMetadata
{
    private WritesErrorBodiesMetadata()
    {
    }

    public static WritesErrorBodiesMetadata Instance { get; } = new();
}
