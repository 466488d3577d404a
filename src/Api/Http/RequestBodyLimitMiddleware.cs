using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using OrleansInference.Grains.Repository;

namespace OrleansInference.Api.Http;

/// <summary>
/// Gives every request its body limit before the endpoint reads a byte, so the server enforces it while the body
/// streams in (chunked bodies included, which declare no length): past the limit the read fails and the request is
/// answered 413. The limit comes from the endpoint's <see cref="RequestBodyLimitMetadata"/>, else
/// <see cref="ApiOptions.MaxJsonBodyBytes"/>; <see cref="RequestBodyReader"/> raises or lowers it to its caller's limit.
/// </summary>
internal sealed class RequestBodyLimitMiddleware(RequestDelegate next, IOptions<ApiOptions> api, IOptions<ModelRepositoryOptions> repository)
{
    /// <summary>What an upload may carry beyond the model file: the config part and the multipart framing, in bytes.</summary>
    public const long UploadOverheadBytes = 1024 * 1024;

    public Task InvokeAsync(HttpContext context)
    {
        var feature = context.Features.Get<IHttpMaxRequestBodySizeFeature>();
        if (feature is { IsReadOnly: false })
        {
            feature.MaxRequestBodySize = KindOf(context) == RequestBodyLimitKind.Upload ? repository.Value.MaxUploadBytes + UploadOverheadBytes : api.Value.MaxJsonBodyBytes;
        }

        return next(context);
    }

    /// <summary>The message of a 413 the server gave because the body passed the limit this middleware set.</summary>
    public static string TooLargeDetail(HttpContext context)
    {
        var limit = context.Features.Get<IHttpMaxRequestBodySizeFeature>()?.MaxRequestBodySize;
        var key = KindOf(context) == RequestBodyLimitKind.Upload ? "ModelRepository:MaxUploadBytes" : "Api:MaxJsonBodyBytes";
        return $"The request body is larger than {limit} bytes, the limit of {context.Request.Method} {context.Request.Path} ({key}).";
    }

    // An upload endpoint takes its larger limit only for an upload: its JSON form is held to the JSON limit.
    private static RequestBodyLimitKind KindOf(HttpContext context) =>
        context.GetEndpoint()?.Metadata.GetMetadata<RequestBodyLimitMetadata>()?.Kind is RequestBodyLimitKind.Upload && context.Request.HasFormContentType
            ? RequestBodyLimitKind.Upload
            : RequestBodyLimitKind.Json;
}
