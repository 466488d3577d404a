using System.Buffers.Binary;
using System.Net;
using System.Net.Http.Headers;
using Google.Protobuf;

namespace OrleansInference.Api.Tests.Infrastructure;

/// <summary>
/// A minimal unary gRPC client over <see cref="HttpClient"/>'s HTTP/2 (prior knowledge, cleartext), written from the
/// gRPC wire specification independently of the server's framing code.
/// </summary>
public sealed class GrpcTestClient(Uri address) : IDisposable
{
    private readonly HttpClient _http = new() { BaseAddress = address, Timeout = TimeSpan.FromSeconds(60) };

    public async Task<(int Status, string? Message, TResponse? Response)> CallAsync<TResponse>(
        string method, IMessage request, MessageParser<TResponse> parser, string? timeout = null, string? apiKey = null)
        where TResponse : class, IMessage<TResponse>
    {
        var payload = request.ToByteArray();
        var frame = new byte[5 + payload.Length];
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(1), (uint)payload.Length);
        payload.CopyTo(frame, 5);
        using var message = new HttpRequestMessage(HttpMethod.Post, $"inference.GRPCInferenceService/{method}")
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new ByteArrayContent(frame),
        };
        message.Content.Headers.ContentType = new MediaTypeHeaderValue("application/grpc");
        message.Headers.TE.Add(new TransferCodingWithQualityHeaderValue("trailers"));
        if (apiKey is not null)
        {
            message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        }

        if (timeout is not null)
        {
            message.Headers.Add("grpc-timeout", timeout);
        }

        using var response = await _http.SendAsync(message);
        var body = await response.Content.ReadAsByteArrayAsync();
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new InvalidOperationException($"HTTP {(int)response.StatusCode} from a gRPC call.");
        }

        var headers = response.TrailingHeaders.Contains("grpc-status") ? response.TrailingHeaders : response.Headers;
        var status = int.Parse(headers.GetValues("grpc-status").Single(), System.Globalization.CultureInfo.InvariantCulture);
        var text = headers.TryGetValues("grpc-message", out var values) ? Uri.UnescapeDataString(values.Single()) : null;
        if (body.Length == 0)
        {
            return (status, text, null);
        }

        var length = BinaryPrimitives.ReadUInt32BigEndian(body.AsSpan(1));
        Assert.Equal(0, body[0]);
        Assert.Equal(body.Length - 5, (int)length);
        return (status, text, parser.ParseFrom(body.AsSpan(5)));
    }

    public void Dispose() => _http.Dispose();
}
