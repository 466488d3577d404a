using System.Buffers;
using System.Buffers.Text;
using System.Text;
using System.Text.Json;
using OrleansInference.Contracts.BatchJobs;
using OrleansInference.Contracts.Models;

namespace OrleansInference.Grains.BatchJobs;

/// <summary>
/// Writes output and error records. CSV: <c>row_id,prediction,label,confidence</c> and <c>row_id,error</c>;
/// JSON Lines: <c>{"row_id":0,"prediction":1,"label":"benign","confidence":0.97}</c> and <c>{"row_id":7,"error":"…"}</c>.
/// Row ids are zero-based positions of records in the input. Numbers use the shortest round-trip form.
/// </summary>
public static class BatchOutputFormatter
{
    // Output files are data, not HTML: keep quotes and non-ASCII text readable.
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The header line of an output file (CSV only; empty for JSON Lines).</summary>
    public static ReadOnlySpan<byte> OutputHeader(BatchJobFormat format) =>
        format == BatchJobFormat.Csv ? "row_id,prediction,label,confidence\n"u8 : default;

    /// <summary>The header line of an errors file (CSV only; empty for JSON Lines).</summary>
    public static ReadOnlySpan<byte> ErrorsHeader(BatchJobFormat format) =>
        format == BatchJobFormat.Csv ? "row_id,error\n"u8 : default;

    /// <summary>Appends one prediction record.</summary>
    public static void WritePrediction(ArrayBufferWriter<byte> output, BatchJobFormat format, long rowId, RowPrediction prediction)
    {
        if (format == BatchJobFormat.JsonLines)
        {
            using var json = new Utf8JsonWriter(output, WriterOptions);
            json.WriteStartObject();
            json.WriteNumber("row_id"u8, rowId);
            json.WriteNumber("prediction"u8, prediction.Prediction);
            if (prediction.Label is not null)
            {
                json.WriteString("label"u8, prediction.Label);
            }

            if (prediction.Confidence is { } confidence)
            {
                json.WriteNumber("confidence"u8, confidence);
            }

            json.WriteEndObject();
            json.Flush();
            Append(output, "\n"u8);
            return;
        }

        AppendNumber(output, rowId);
        Append(output, ","u8);
        AppendDouble(output, prediction.Prediction);
        Append(output, ","u8);
        if (prediction.Label is not null)
        {
            AppendCsvText(output, prediction.Label);
        }

        Append(output, ","u8);
        if (prediction.Confidence is { } c)
        {
            AppendFloat(output, c);
        }

        Append(output, "\n"u8);
    }

    /// <summary>Appends one rejected-row record.</summary>
    public static void WriteError(ArrayBufferWriter<byte> output, BatchJobFormat format, long rowId, string error)
    {
        if (format == BatchJobFormat.JsonLines)
        {
            using var json = new Utf8JsonWriter(output, WriterOptions);
            json.WriteStartObject();
            json.WriteNumber("row_id"u8, rowId);
            json.WriteString("error"u8, error);
            json.WriteEndObject();
            json.Flush();
            Append(output, "\n"u8);
            return;
        }

        AppendNumber(output, rowId);
        Append(output, ","u8);
        AppendCsvText(output, error);
        Append(output, "\n"u8);
    }

    private static void AppendCsvText(ArrayBufferWriter<byte> output, string text)
    {
        if (text.AsSpan().IndexOfAny(",\"\r\n") < 0)
        {
            // The common case (a label) is encoded straight into the output, without a temporary array per row.
            var span = output.GetSpan(Encoding.UTF8.GetMaxByteCount(text.Length));
            output.Advance(Encoding.UTF8.GetBytes(text, span));
            return;
        }

        Append(output, Encoding.UTF8.GetBytes("\"" + text.Replace("\"", "\"\"", StringComparison.Ordinal).Replace('\n', ' ').Replace('\r', ' ') + "\""));
    }

    private static void AppendNumber(ArrayBufferWriter<byte> output, long value)
    {
        var span = output.GetSpan(20);
        Utf8Formatter.TryFormat(value, span, out var written);
        output.Advance(written);
    }

    private static void AppendDouble(ArrayBufferWriter<byte> output, double value)
    {
        var span = output.GetSpan(32);
        value.TryFormat(span, out var written, "R", System.Globalization.CultureInfo.InvariantCulture);
        output.Advance(written);
    }

    private static void AppendFloat(ArrayBufferWriter<byte> output, float value)
    {
        var span = output.GetSpan(32);
        value.TryFormat(span, out var written, "R", System.Globalization.CultureInfo.InvariantCulture);
        output.Advance(written);
    }

    private static void Append(ArrayBufferWriter<byte> output, ReadOnlySpan<byte> bytes) => output.Write(bytes);
}
