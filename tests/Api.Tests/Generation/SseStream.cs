using System.Text.Json;

namespace OrleansInference.Api.Tests.Generation;

/// <summary>One Server-Sent Event: its <c>event:</c> name (null for unnamed ones) and its <c>data:</c> text.</summary>
internal sealed record SseEvent(string? Name, string Data)
{
    public JsonElement Json => JsonDocument.Parse(Data).RootElement.Clone();
}

/// <summary>
/// Reads Server-Sent Events off a response stream as they arrive, strictly: only <c>event:</c> and <c>data:</c> lines,
/// each event ended by a blank line.
/// </summary>
internal sealed class SseStream(Stream stream) : IDisposable
{
    private readonly StreamReader _reader = new(stream);

    /// <summary>The next event; null at the end of the stream.</summary>
    public async Task<SseEvent?> NextAsync(CancellationToken cancellationToken)
    {
        string? name = null;
        string? data = null;
        while (await _reader.ReadLineAsync(cancellationToken) is { } line)
        {
            if (line.Length == 0)
            {
                if (data is null)
                {
                    throw new FormatException("An event ended without a data line.");
                }

                return new SseEvent(name, data);
            }

            if (line.StartsWith("event: ", StringComparison.Ordinal))
            {
                name = line["event: ".Length..];
            }
            else if (line.StartsWith("data: ", StringComparison.Ordinal))
            {
                data = data is null ? line["data: ".Length..] : data + "\n" + line["data: ".Length..];
            }
            else
            {
                throw new FormatException($"Unexpected line in an event stream: '{line}'.");
            }
        }

        if (name is not null || data is not null)
        {
            throw new FormatException("The stream ended inside an event.");
        }

        return null;
    }

    public void Dispose() => _reader.Dispose();
}
