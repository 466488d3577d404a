using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using OrleansInference.Grid.Repository;

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

    /// <summary>The largest refused body of declared length that is drained rather than cut off, in bytes.</summary>
    public const long MaxDrainBytes = 2L * 1024 * 1024 * 1024;

    public Task InvokeAsync(HttpContext context)
    {
        var feature = context.Features.Get<IHttpMaxRequestBodySizeFeature>();
        if (feature is { IsReadOnly: false })
        {
            var limit = KindOf(context) == RequestBodyLimitKind.Upload ? repository.Value.MaxUploadBytes + UploadOverheadBytes : api.Value.MaxJsonBodyBytes;
            feature.MaxRequestBodySize = limit;
            if (context.Request.ContentLength > limit && !ReadsOwnBody(context) && HttpProtocol.IsHttp11(context.Request.Protocol))
            {
                // Refused unread; the declared body is then drained, not cut off, so the client reads the 413.
                var message = TooLargeDetail(context);
                AllowDrain(context);
                throw new BodyTooLargeException(message);
            }
        }

        return next(context);
    }

    /// <summary>
    /// Lets the server drain a refused body of declared length (up to <see cref="MaxDrainBytes"/>) after the answer,
    /// instead of closing the connection under a client that is still sending it.
    /// </summary>
    public static void AllowDrain(HttpContext context)
    {
        if (context.Request.ContentLength is { } declared and <= MaxDrainBytes
            && context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } feature)
        {
            feature.MaxRequestBodySize = declared;
        }
    }

    /// <summary>The message of a 413 the server gave because the body passed the limit this middleware set.</summary>
    public static string TooLargeDetail(HttpContext context)
    {
        var limit = context.Features.Get<IHttpMaxRequestBodySizeFeature>()?.MaxRequestBodySize;
        var key = KindOf(context) == RequestBodyLimitKind.Upload ? "ModelRepository:MaxUploadBytes" : "Api:MaxJsonBodyBytes";
        return $"The request body is larger than {limit} bytes, the limit of {context.Request.Method} {context.Request.Path} ({key}).";
    }

    // Endpoints reading with RequestBodyReader (the inference paths, which write their own error bodies, and those
    // marked Own) refuse a declared length past their own limit themselves. Over HTTP/2 a refused stream is reset
    // without losing the connection, so only HTTP/1.1 needs the refusal before the read.
    private static bool ReadsOwnBody(HttpContext context) =>
        context.GetEndpoint()?.Metadata is { } metadata
        && (metadata.GetMetadata<RequestBodyLimitMetadata>()?.Kind == RequestBodyLimitKind.Own || metadata.GetMetadata<WritesErrorBodiesMetadata>() is not null);

    // An upload endpoint takes its larger limit only for an upload: its JSON form is held to the JSON limit.
    private static RequestBodyLimitKind KindOf(HttpContext context) =>
        context.GetEndpoint()?.Metadata.GetMetadata<RequestBodyLimitMetadata>()?.Kind is RequestBodyLimitKind.Upload && context.Request.HasFormContentType
            ? RequestBodyLimitKind.Upload
            : RequestBodyLimitKind.Json;
}
