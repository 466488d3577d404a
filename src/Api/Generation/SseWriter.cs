using System.IO.Pipelines;
using System.Text;
using System.Text.Json;

namespace OrleansInference.Api.Generation;

/// <summary>
/// Writes Server-Sent Events to a response: <c>event:</c> (optional) and one <c>data:</c> line of JSON (or a literal
/// such as <c>[DONE]</c>), then a blank line. Events are buffered until <see cref="FlushAsync"/>, which sends them.
/// </summary>
internal sealed class SseWriter : IDisposable
{
    private static readonly JsonWriterOptions Options = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private readonly PipeWriter _output;
    private readonly Utf8JsonWriter _json;

    public SseWriter(PipeWriter output)
    {
        _output = output;
        _json = new Utf8JsonWriter(output, Options);
    }

    /// <summary>Starts an event whose data is the JSON object written to the returned writer before <see cref="End"/>.</summary>
    public Utf8JsonWriter Begin(string? eventName = null)
    {
        if (eventName is not null)
        {
            WriteAscii("event: ");
            WriteAscii(eventName);
            WriteAscii("\n");
        }

        WriteAscii("data: ");
        _json.Reset(_output);
        return _json;
    }

    /// <summary>Ends the event begun with <see cref="Begin"/>.</summary>
    public void End()
    {
        _json.Flush();
        WriteAscii("\n\n");
    }

    /// <summary>An event whose data is <paramref name="literal"/>.</summary>
    public void Literal(string literal)
    {
        WriteAscii("data: ");
        WriteAscii(literal);
        WriteAscii("\n\n");
    }

    public ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken) => _output.FlushAsync(cancellationToken);

    public void Dispose() => _json.Dispose();

    private void WriteAscii(string text)
    {
        var span = _output.GetSpan(text.Length);
        var written = Encoding.ASCII.GetBytes(text, span);
        _output.Advance(written);
    }
}
