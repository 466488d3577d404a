using System.Net;
using Microsoft.Net.Http.Headers;

namespace OrleansInference.Api.Security;

/// <summary>
/// Keeps web pages out of a server that runs without API keys (the embedded default), where nothing else stands between
/// a browser and the API. Browsers may send requests to 127.0.0.1 on behalf of any page they show: cross-site form and
/// fetch posts (their <c>Origin</c> or <c>Sec-Fetch-Site</c> says so), and DNS rebinding (a page of another site whose
/// name now resolves to 127.0.0.1: its <c>Host</c> header still names that site). So, without keys:
/// <list type="bullet">
/// <item>a request that changes state (any method but GET, HEAD and OPTIONS) from another origin is refused;</item>
/// <item>management (admin endpoints) is served only to loopback callers whose <c>Host</c> names a loopback address,
/// and takes only JSON, multipart or untyped bodies (a page can post <c>text/plain</c> across sites without asking).</item>
/// </list>
/// </summary>
internal static class BrowserRequestGuard
{
    /// <summary>Why the request is refused (status and message), or null when it may go on.</summary>
    public static (int Status, string Message)? Check(HttpRequest request, ApiAccess required)
    {
        if (HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method) || HttpMethods.IsOptions(request.Method))
        {
            return null;
        }

        if (request.Headers["Sec-Fetch-Site"].ToString() is "cross-site" or "same-site")
        {
            return (StatusCodes.Status403Forbidden,
                $"{request.Method} {request.Path} came from another site's page (Sec-Fetch-Site: {request.Headers["Sec-Fetch-Site"]}); without API keys the server takes state changes only from its own origin or from non-browser clients.");
        }

        var origin = request.Headers.Origin.ToString();
        if (origin.Length > 0 && !SameOrigin(origin, request))
        {
            return (StatusCodes.Status403Forbidden,
                $"{request.Method} {request.Path} came from the page of '{origin}', not from 'http://{request.Host}'; without API keys the server refuses cross-origin state changes. Configure Auth:Keys to serve other origins.");
        }

        if (required != ApiAccess.Admin)
        {
            return null;
        }

        var remote = request.HttpContext.Connection.RemoteIpAddress;
        if (remote is null || !IPAddress.IsLoopback(remote))
        {
            return (StatusCodes.Status403Forbidden,
                $"{request.Method} {request.Path} changes the server; without API keys only loopback callers may, and this one is {remote}. Configure Auth:Keys with an admin key.");
        }

        if (!IsLoopbackHost(request.Host.Host))
        {
            return (StatusCodes.Status403Forbidden,
                $"{request.Method} {request.Path} names host '{request.Host.Host}'; without API keys management answers only requests addressed to a loopback address (127.0.0.1, [::1] or localhost).");
        }

        // A body without Content-Type is what Triton's HTTP client sends to the repository endpoints; pages cannot
        // send one across origins without an Origin header, which the checks above refuse.
        if (HasBody(request) && !string.IsNullOrEmpty(request.ContentType) && !IsJsonOrMultipart(request.ContentType))
        {
            return (StatusCodes.Status415UnsupportedMediaType,
                $"{request.Method} {request.Path} sent Content-Type '{request.ContentType}'; management takes 'application/json' or 'multipart/form-data'.");
        }

        return null;
    }

    private static bool SameOrigin(string origin, HttpRequest request) =>
        Uri.TryCreate(origin, UriKind.Absolute, out var uri)
        && uri.Scheme == request.Scheme
        && string.Equals(uri.Authority, request.Host.Value, StringComparison.OrdinalIgnoreCase);

    /// <summary>True when <paramref name="host"/> (a <c>Host</c> header's name) is localhost or a loopback address.</summary>
    internal static bool IsLoopbackHost(string host) =>
        string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase)
        || (IPAddress.TryParse(host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address));

    private static bool HasBody(HttpRequest request) =>
        request.ContentLength > 0 || (request.ContentLength is null && request.Headers.TransferEncoding.Count > 0);

    private static bool IsJsonOrMultipart(string? contentType)
    {
        if (!MediaTypeHeaderValue.TryParse(contentType, out var media))
        {
            return false;
        }

        var type = media.MediaType;
        return type.Equals("application/json", StringComparison.OrdinalIgnoreCase)
            || type.Value!.EndsWith("+json", StringComparison.OrdinalIgnoreCase)
            || type.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase);
    }
}
