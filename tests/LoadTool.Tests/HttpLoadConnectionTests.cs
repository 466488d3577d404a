using System.Net;
using System.Net.Sockets;
using System.Text;

namespace OrleansInference.LoadTool.Tests;

public sealed class HttpLoadConnectionTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Reads_content_length_and_chunked_responses_back_to_back_on_one_connection()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var endpoint = (IPEndPoint)listener.LocalEndpoint;
        var responses = new[]
        {
            "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello",
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3;ext=1\r\nabc\r\n10\r\n0123456789abcdef\r\n0\r\n\r\n",
            "HTTP/1.1 429 Too Many Requests\r\ncontent-length: 0\r\n\r\n",
        };
        var server = ServeAsync(listener, responses);
        var request = HttpLoadConnection.EncodeRequest(endpoint, "/x", "application/json", "{}"u8);
        using var connection = new HttpLoadConnection(endpoint);

        var statuses = new List<int>();
        foreach (var _ in responses)
        {
            statuses.Add(await connection.SendAsync(request, CancellationToken.None).AsTask().WaitAsync(Timeout));
        }

        Assert.Equal([200, 200, 429], statuses);
        await server.WaitAsync(Timeout);
    }

    [Fact]
    public void Refuses_addresses_other_than_loopback()
    {
        var ex = Assert.Throws<ArgumentException>(() => new HttpLoadConnection(new IPEndPoint(IPAddress.Parse("192.0.2.1"), 80)));
        Assert.Contains("loopback", ex.Message, StringComparison.Ordinal);
    }

    private static async Task ServeAsync(TcpListener listener, string[] responses)
    {
        using var client = await listener.AcceptTcpClientAsync();
        var stream = client.GetStream();
        var buffer = new byte[4096];
        foreach (var response in responses)
        {
            // Each request is small and ends its body with "{}": read until the whole request has arrived.
            var received = new StringBuilder();
            while (!received.ToString().EndsWith("\r\n\r\n{}", StringComparison.Ordinal))
            {
                var read = await stream.ReadAsync(buffer);
                Assert.True(read > 0, "The client closed the connection before sending the whole request.");
                received.Append(Encoding.ASCII.GetString(buffer, 0, read));
            }

            // Split the answer so the client has to read more than once.
            var bytes = Encoding.ASCII.GetBytes(response);
            await stream.WriteAsync(bytes.AsMemory(0, bytes.Length / 2));
            await stream.FlushAsync();
            await Task.Yield();
            await stream.WriteAsync(bytes.AsMemory(bytes.Length / 2));
        }
    }
}
