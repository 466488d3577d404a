using System.Globalization;
using System.Net;

namespace OrleansInference.LoadTool;

/// <summary>One scenario's request: path, content type, body, and the v2 binary header length when binary.</summary>
internal sealed record RequestSpec(string Path, string ContentType, byte[] Body, int? BinaryHeaderLength)
{
    /// <summary>The request encoded for <paramref name="endpoint"/>, labelled with the system it measures.</summary>
    public LoadTarget For(string system, IPEndPoint endpoint) => new(system, endpoint, BinaryHeaderLength is { } length
        ? HttpLoadConnection.EncodeRequest(endpoint, Path, ContentType, Body, ("Inference-Header-Content-Length", length.ToString(CultureInfo.InvariantCulture)))
        : HttpLoadConnection.EncodeRequest(endpoint, Path, ContentType, Body));

    /// <summary>The same request for HttpClient.</summary>
    public HttpRequestMessage ToMessage()
    {
        var content = new ByteArrayContent(Body);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(ContentType);
        var message = new HttpRequestMessage(HttpMethod.Post, Path) { Content = content };
        if (BinaryHeaderLength is { } length)
        {
            message.Headers.Add("Inference-Header-Content-Length", length.ToString(CultureInfo.InvariantCulture));
        }

        return message;
    }
}
