using System.Text.Json;

namespace OrleansInference.Api.Predict;

/// <summary>A predict body that cannot be read; the message says what was wrong and what was expected.</summary>
public sealed class PredictFormatException : Exception
{
    public PredictFormatException(string message)
        : base(message)
    {
    }

    public PredictFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public PredictFormatException()
    {
    }

    internal static PredictFormatException Malformed(JsonException ex, long position) =>
        new($"Malformed JSON at byte {Math.Max(position, ex.BytePositionInLine ?? 0)} (line {(ex.LineNumber ?? 0) + 1}): {ex.Message}", ex);
}
