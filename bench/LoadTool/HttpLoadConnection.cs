using System.Buffers.Text;
using System.Net;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Text;

namespace OrleansInference.LoadTool;

/// <summary>
/// One keep-alive HTTP/1.1 connection that sends pre-encoded requests and reads whole responses (Content-Length or
/// chunked), without HttpClient's per-request allocations, so the load generator is not the bottleneck.
/// </summary>
internal sealed class HttpLoadConnection : IDisposable
{
    private readonly IPEndPoint _endpoint;
    private Socket? _socket;
    private byte[] _buffer = new byte[64 * 1024];
    private int _start;
    private int _end;

    public HttpLoadConnection(IPEndPoint endpoint)
    {
        if (!IPAddress.IsLoopback(endpoint.Address))
        {
            throw new ArgumentException($"The load tool only sends to loopback addresses; got {endpoint}.", nameof(endpoint));
        }

        _endpoint = endpoint;
    }

    /// <summary>Opens the connection if it is not open (runs connect before their measured period).</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public async ValueTask ConnectAsync(CancellationToken cancellationToken)
    {
        if (_socket is null)
        {
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            await socket.ConnectAsync(_endpoint, cancellationToken);
            _socket = socket;
            _start = _end = 0;
        }
    }

    /// <summary>Sends one request and reads its response; returns the status code. Reconnects after a closed connection.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<int> SendAsync(ReadOnlyMemory<byte> request, CancellationToken cancellationToken)
    {
        await ConnectAsync(cancellationToken);

        try
        {
            while (!request.IsEmpty)
            {
                var sent = await _socket!.SendAsync(request, SocketFlags.None, cancellationToken);
                request = request[sent..];
            }

            return await ReadResponseAsync(cancellationToken);
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        _socket?.Dispose();
        _socket = null;
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<int> ReadResponseAsync(CancellationToken cancellationToken)
    {
        int headerEnd;
        while ((headerEnd = _buffer.AsSpan(_start, _end - _start).IndexOf("\r\n\r\n"u8)) < 0)
        {
            await FillAsync(cancellationToken);
        }

        var (status, contentLength, chunked, close) = ParseHead(_buffer.AsSpan(_start, headerEnd));
        _start += headerEnd + 4;
        if (chunked)
        {
            await SkipChunkedAsync(cancellationToken);
        }
        else
        {
            await SkipAsync(contentLength, cancellationToken);
        }

        if (close)
        {
            Dispose();
        }

        return status;
    }

    private static (int Status, long ContentLength, bool Chunked, bool Close) ParseHead(ReadOnlySpan<byte> head)
    {
        if (head.Length < 12 || !Utf8Parser.TryParse(head.Slice(9, 3), out int status, out _))
        {
            throw new IOException("The server sent a malformed status line.");
        }

        long contentLength = 0;
        bool chunked = false, close = false;
        var lineEnd = head.IndexOf("\r\n"u8);
        var rest = lineEnd < 0 ? [] : head[(lineEnd + 2)..];
        while (!rest.IsEmpty)
        {
            lineEnd = rest.IndexOf("\r\n"u8);
            var line = lineEnd < 0 ? rest : rest[..lineEnd];
            rest = lineEnd < 0 ? [] : rest[(lineEnd + 2)..];
            var colon = line.IndexOf((byte)':');
            if (colon < 0)
            {
                continue;
            }

            var name = line[..colon];
            var value = line[(colon + 1)..].Trim((byte)' ');
            if (Ascii.EqualsIgnoreCase(name, "content-length"u8))
            {
                if (!Utf8Parser.TryParse(value, out contentLength, out _))
                {
                    throw new IOException("The server sent a malformed Content-Length.");
                }
            }
            else if (Ascii.EqualsIgnoreCase(name, "transfer-encoding"u8))
            {
                chunked = Ascii.EqualsIgnoreCase(value, "chunked"u8);
            }
            else if (Ascii.EqualsIgnoreCase(name, "connection"u8))
            {
                close = Ascii.EqualsIgnoreCase(value, "close"u8);
            }
        }

        return (status, contentLength, chunked, close);
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask SkipChunkedAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            int lineEnd;
            while ((lineEnd = _buffer.AsSpan(_start, _end - _start).IndexOf("\r\n"u8)) < 0)
            {
                await FillAsync(cancellationToken);
            }

            var sizeText = _buffer.AsSpan(_start, lineEnd);
            var semicolon = sizeText.IndexOf((byte)';');
            if (semicolon >= 0)
            {
                sizeText = sizeText[..semicolon];
            }

            if (!Utf8Parser.TryParse(sizeText, out long size, out _, 'x'))
            {
                throw new IOException("The server sent a malformed chunk size.");
            }

            _start += lineEnd + 2;
            await SkipAsync(size + 2, cancellationToken);
            if (size == 0)
            {
                return;
            }
        }
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask SkipAsync(long count, CancellationToken cancellationToken)
    {
        while (true)
        {
            var available = _end - _start;
            if (available >= count)
            {
                _start += (int)count;
                return;
            }

            count -= available;
            _start = _end = 0;
            await FillAsync(cancellationToken);
        }
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask FillAsync(CancellationToken cancellationToken)
    {
        if (_start > 0)
        {
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
            _end -= _start;
            _start = 0;
        }

        if (_end == _buffer.Length)
        {
            Array.Resize(ref _buffer, _buffer.Length * 2);
        }

        var read = await _socket!.ReceiveAsync(_buffer.AsMemory(_end), SocketFlags.None, cancellationToken);
        if (read == 0)
        {
            throw new IOException("The server closed the connection mid-response.");
        }

        _end += read;
    }

    /// <summary>Encodes a request: method line, host, content type, length, extra headers, then the body.</summary>
    public static byte[] EncodeRequest(IPEndPoint endpoint, string path, string contentType, ReadOnlySpan<byte> body, params (string Name, string Value)[] headers)
    {
        var head = new StringBuilder()
            .Append("POST ").Append(path).Append(" HTTP/1.1\r\n")
            .Append("Host: ").Append(endpoint).Append("\r\n")
            .Append("Content-Type: ").Append(contentType).Append("\r\n")
            .Append("Content-Length: ").Append(body.Length).Append("\r\n");
        foreach (var (name, value) in headers)
        {
            head.Append(name).Append(": ").Append(value).Append("\r\n");
        }

        head.Append("\r\n");
        var headBytes = Encoding.ASCII.GetBytes(head.ToString());
        var request = new byte[headBytes.Length + body.Length];
        headBytes.CopyTo(request, 0);
        body.CopyTo(request.AsSpan(headBytes.Length));
        return request;
    }
}
