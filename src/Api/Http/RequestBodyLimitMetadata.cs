namespace OrleansInference.Api.Http;

/// <summary>
/// Endpoint metadata naming which configured limit bounds the endpoint's request body. Endpoints without it take
/// <see cref="ApiOptions.MaxJsonBodyBytes"/>; endpoints that read their body with <see cref="RequestBodyReader"/>
/// set their own limit as they read.
/// </summary>
public sealed class RequestBodyLimitMetadata
{
    private RequestBodyLimitMetadata(RequestBodyLimitKind kind) => Kind = kind;

    /// <summary>Model uploads: a multipart body may take <c>ModelRepository:MaxUploadBytes</c> plus room for the config part and framing.</summary>
    public static RequestBodyLimitMetadata Upload { get; } = new(RequestBodyLimitKind.Upload);

    /// <summary>The endpoint reads its body with <see cref="RequestBodyReader"/> and its own limit.</summary>
    public static RequestBodyLimitMetadata Own { get; } = new(RequestBodyLimitKind.Own);

    /// <summary>Which limit applies.</summary>
    public RequestBodyLimitKind Kind { get; }
}
