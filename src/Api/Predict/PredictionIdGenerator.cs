using System.Security.Cryptography;

namespace OrleansInference.Api.Predict;

/// <summary>
/// Prediction ids: RFC 9562 version 7 UUIDs (48-bit Unix milliseconds, then 74 random bits), the layout of
/// <see cref="Guid.CreateVersion7()"/>. The random bits come from the system's cryptographic generator as that does,
/// drawn a few kilobytes at a time instead of by one system call per id.
/// </summary>
internal sealed class PredictionIdGenerator(TimeProvider time)
{
    private const int RandomBytesPerId = 10;
    private readonly Lock _lock = new();
    private readonly byte[] _random = new byte[RandomBytesPerId * 409];
    private int _offset = RandomBytesPerId * 409;

    public Guid NewId()
    {
        Span<byte> bytes = stackalloc byte[16];
        var milliseconds = time.GetUtcNow().ToUnixTimeMilliseconds();
        for (var i = 5; i >= 0; i--)
        {
            bytes[i] = (byte)milliseconds;
            milliseconds >>= 8;
        }

        lock (_lock)
        {
            if (_offset == _random.Length)
            {
                RandomNumberGenerator.Fill(_random);
                _offset = 0;
            }

            _random.AsSpan(_offset, RandomBytesPerId).CopyTo(bytes[6..]);
            _random.AsSpan(_offset, RandomBytesPerId).Clear();
            _offset += RandomBytesPerId;
        }

        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x70);
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return new Guid(bytes, bigEndian: true);
    }
}
