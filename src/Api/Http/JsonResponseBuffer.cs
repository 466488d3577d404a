using System.Text.Json;
using Microsoft.Extensions.ObjectPool;

namespace OrleansInference.Api.Http;

/// <summary>
/// A JSON writer over a pooled buffer, for answers written whole before they are sent (so they carry Content-Length).
/// Kept in an <see cref="ObjectPool{T}"/>: a hot endpoint borrows one, writes, copies the bytes into the response and
/// hands it back before it awaits anything, so a few per core serve any number of requests.
/// </summary>
internal sealed class JsonResponseBuffer : IDisposable
{
    /// <summary>Buffers that grew beyond this (a large answer) are not kept.</summary>
    private const int MaxRetainedBytes = 64 * 1024;

    public JsonResponseBuffer()
    {
        Buffer = new PooledBufferWriter(1024);
        Writer = new Utf8JsonWriter(Buffer);
    }

    public PooledBufferWriter Buffer { get; }

    public Utf8JsonWriter Writer { get; }

    /// <summary>Creates a pool of these buffers.</summary>
    public static ObjectPool<JsonResponseBuffer> CreatePool() => new DefaultObjectPool<JsonResponseBuffer>(new Policy());

    public void Dispose()
    {
        Writer.Dispose();
        Buffer.Dispose();
    }

    private sealed class Policy : PooledObjectPolicy<JsonResponseBuffer>
    {
        public override JsonResponseBuffer Create() => new();

        public override bool Return(JsonResponseBuffer obj)
        {
            if (obj.Buffer.Capacity > MaxRetainedBytes)
            {
                obj.Dispose();
                return false;
            }

            obj.Buffer.Clear();
            obj.Writer.Reset(obj.Buffer);
            return true;
        }
    }
}
