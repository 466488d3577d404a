namespace OrleansInference.Api.Tests.Http;

/// <summary>
/// A body of <c>prefix</c>, <c>fillLength</c> filler bytes and <c>suffix</c>, generated as it is read and not
/// seekable, so <see cref="StreamContent"/> sends it chunked, without a Content-Length.
/// </summary>
internal sealed class GeneratedBodyStream(byte[] prefix, long fillLength, byte filler, byte[] suffix) : Stream
{
    private readonly long _length = prefix.Length + fillLength + suffix.Length;
    private long _position;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count)
    {
        var written = 0;
        while (written < count && _position < _length)
        {
            buffer[offset + written++] = _position < prefix.Length ? prefix[_position]
                : _position < prefix.Length + fillLength ? filler
                : suffix[_position - prefix.Length - fillLength];
            _position++;
        }

        return written;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
